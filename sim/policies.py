"""What happens to work in progress when people go off duty, named once for every level.

Capacity falls at a level-1 shift's end (a staffing step down) and at a resolver group's
closing (its headcount gives way to its on-call people). The work in progress of the
people who go is then handled by one of two policies, written the same way at both
levels (``at_shift_end`` in a scenario):

``finish``
    They finish the piece of work in hand (a call, an e-mail, a ticket's work), then go:
    the work ends as planned, after the shift; nobody starts new work beyond the
    capacity now on duty.
``hand_back``
    They stop at once and hand the work back to the front of its queue with what is left
    of it, for the next person who may take it (a call is resumed by a colleague, an
    e-mail or a ticket goes back to the top of the pile).

Who goes is the same rule everywhere: idle people first, then those whose current work
would end soonest. The level-1 default is ``finish`` (an agent does not hang up on a
caller); the resolver groups' default is ``hand_back`` (hours of work are set aside at
closing and resumed at opening, and only the on-call people keep working on what is
worked around the clock).
"""

from __future__ import annotations

from typing import Literal

ShiftEnd = Literal["finish", "hand_back"]
FINISH: ShiftEnd = "finish"
HAND_BACK: ShiftEnd = "hand_back"
SHIFT_END_POLICIES: tuple[ShiftEnd, ...] = (FINISH, HAND_BACK)
