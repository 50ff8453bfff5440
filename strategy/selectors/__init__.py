"""Reads for the strategy pages: the plan with its completeness, venues ranked by return, events,
and the givers-gain ledger (a view over contacts.Interaction, not a copy). Each read is a fixed
number of queries whatever the size of the network."""

from .contact_card import *  # noqa: F403
from .ledger import *  # noqa: F403
from .plan import *  # noqa: F403
from .purposes_venues_events import *  # noqa: F403
