from rest_framework.pagination import PageNumberPagination


class Pages(PageNumberPagination):
    """25 a page; ``page_size`` up to 100. Every list is bounded."""

    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100
