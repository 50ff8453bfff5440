"""The message check: does a classification's message talk to the receiver or about the sender?

Plain counting, the source of truth for the live hint on the classification form (static/js/
netcrm.js reads the word lists and wordings from the field's ``data-message-check`` attribute
and counts the same way) and for the plan's item 5:

- a word is a run of letters, apostrophes inside it allowed ("you're", "I’ll"); it counts by
  the part before its first apostrophe, in any case: "you're" is "you", "I'm" is "I";
- receiver words: you, your, yours, yourself, yourselves;
- sender words: I, me, my, mine, myself, we, us, our, ours, ourselves;
- **you-focused** when it has receiver words and at least as many as sender words; **about the
  sender** when it has more sender words; **unchecked** when it has neither (a note such as
  "ask about their project" is guidance, not yet a message).
"""

from __future__ import annotations

import dataclasses
import json
import re

RECEIVER_WORDS = ("you", "your", "yours", "yourself", "yourselves")
SENDER_WORDS = ("i", "me", "my", "mine", "myself", "we", "us", "our", "ours", "ourselves")
# Letters only ([^\W\d_]), with inner apostrophes; the JS uses /\p{L}+(?:['’]\p{L}+)*/gu.
WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
APOSTROPHE = re.compile(r"['’]")

YOU_FOCUSED = "you"
ABOUT_SENDER = "sender"
UNCHECKED = "none"
# The hint's words, with {receiver} and {sender} for the counts (the JS fills them the same way).
HINTS = {
    YOU_FOCUSED: "You-focused: it talks to them ({receiver} × you/your, {sender} × I/me/my/we/our).",
    ABOUT_SENDER: "This message talks about you, the sender, more than about them ({sender} × I/me/my/we/our, "
    "{receiver} × you/your). Try turning an “I” sentence into a “you” one.",
    UNCHECKED: "No “you” or “I” words yet: written as you would say it, a message talks to them (you, your).",
}


@dataclasses.dataclass(frozen=True)
class MessageCheck:
    receiver_count: int
    sender_count: int

    @property
    def verdict(self) -> str:
        if self.receiver_count and self.receiver_count >= self.sender_count:
            return YOU_FOCUSED
        if self.sender_count:
            return ABOUT_SENDER
        return UNCHECKED

    @property
    def is_you_focused(self) -> bool:
        return self.verdict == YOU_FOCUSED

    @property
    def hint(self) -> str:
        return HINTS[self.verdict].format(receiver=self.receiver_count, sender=self.sender_count)


def check_message(text: str) -> MessageCheck:
    words = [APOSTROPHE.split(word, maxsplit=1)[0].lower() for word in WORD.findall(text or "")]
    return MessageCheck(
        receiver_count=sum(word in RECEIVER_WORDS for word in words),
        sender_count=sum(word in SENDER_WORDS for word in words),
    )


def rule_for_script() -> str:
    """The word lists and wordings, as the JSON the form field carries for the live hint."""
    return json.dumps({"receiver": RECEIVER_WORDS, "sender": SENDER_WORDS, "hints": HINTS}, ensure_ascii=False)
