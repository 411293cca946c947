"""Due dates, in calendar days or mainland-China working days.

Working days come from the `chinesecalendar` package (weekends, statutory
holidays and 调休 make-up days, updated each year when the State Council
publishes the next year's schedule); org.yaml's `holidays` and `workdays`
take precedence. A year that neither covers is never guessed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache

import chinese_calendar

from generator.model import Deadline

ONE_DAY = dt.timedelta(days=1)


class CalendarUncovered(Exception):
    def __init__(self, year: int) -> None:
        super().__init__(year)
        self.year = year


@cache
def _package_covers(year: int) -> bool:
    try:
        chinese_calendar.is_workday(dt.date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


@dataclass(frozen=True)
class WorkCalendar:
    holidays: frozenset[dt.date] = frozenset()
    workdays: frozenset[dt.date] = frozenset()

    def covers(self, year: int) -> bool:
        return _package_covers(year) or any(day.year == year for day in self.holidays)

    def is_workday(self, day: dt.date) -> bool:
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        if not self.covers(day.year):
            raise CalendarUncovered(day.year)
        try:
            return chinese_calendar.is_workday(day)
        except NotImplementedError:
            # covered only through org.yaml's holidays: weekends are off
            return day.weekday() < 5

    def shift(self, day: dt.date, deadline: Deadline, direction: int) -> dt.date:
        """The day N days (calendar or working) after (+1) or before (-1) `day`."""
        step = ONE_DAY * direction
        if deadline.count == "calendar":
            return day + step * deadline.days
        counted = 0
        while counted < deadline.days:
            day += step
            if self.is_workday(day):
                counted += 1
        return day

    def due_after(self, day: dt.date, deadline: Deadline) -> dt.date:
        return self.shift(day, deadline, +1)

    def due_before(self, day: dt.date, deadline: Deadline) -> dt.date:
        return self.shift(day, deadline, -1)
