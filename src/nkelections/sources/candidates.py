"""Candidate facts of a text, found by rules: numbers, percentages, dates, years, names,
quoted speech, posts and footnote markers. Coverage (qc) checks the graph against them;
extract proposes evidence from them."""

from __future__ import annotations

import re

MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
MONTH = "(?:" + "|".join(MONTH_NAMES) + ")"
# "May" alone is far more often the verb than the month, so a bare month never matches it.
BARE_MONTH = MONTH.replace("|May|", "|")
WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
# A capitalised word: "Kim", "Jong-un", "H.J.", "ASIAPRESS"; a full stop only after initials,
# and never a month or weekday (dates have their own rules).
CAP = (
    rf"(?!(?:{MONTH}|{WEEKDAY})\b)(?:(?:[A-Z]\.){{1,3}}(?=[ ][A-Z])"
    rf"|[A-Z](?:\w|\.(?=\w))*(?:-\w+)*)"
)
# Between the words of one name: a space, maybe after a possessive, maybe with "of the".
JOIN = r"(?:['\u2019]s?)?[ ](?:(?:of|for|and|on|de)[ ](?:the[ ])?)?"
# Sentence openers that are not part of the name that follows them.
OPENER = (
    r"(?:The|A|An|In|On|At|By|For|From|Since|While|When|After|Before|During|As|If|Then"
    r"|That|This|These|Those|It|Its|Their|His|Her)[ ]"
)
POSTS = (
    r"(?:(?:vice|deputy|first)[ ])?(?:chairman|chairwoman|chairperson|chair|president"
    r"|premier|director|secretary(?:[ ]general)?|members?|head|leader|spokesperson)"
)
NAME = rf"{CAP}(?:{JOIN}{CAP})+"

# The candidate rules, in priority order: a candidate that lies within an earlier rule's
# candidate is part of it and is not listed on its own. The text a rule reports is its named
# group "c" when it has one, else the whole match.
RULES: dict[str, re.Pattern] = {
    "quoted-speech": re.compile(
        r"\"[^\"\n]{2,}?\"|\u201c[^\u201d\n]{2,}?\u201d"
        r"|\u2018[^\u2019\n]{2,}?\u2019(?!\w)"
        r"|(?<![\w'])'[^'\n]{2,200}?'(?!\w)"
    ),
    "post": re.compile(
        rf"(?P<c>{NAME}(?:[ ]as[ ](?:the[ ]|a[ ])?{POSTS}|,[ ](?:the[ ])?{POSTS}"
        rf"[ ]of))(?![a-z])"
    ),
    "date": re.compile(
        rf"\b(?:\d{{1,2}}[ ]{MONTH}(?:,?[ ]\d{{4}})?|{MONTH}[ ]\d{{1,2}}(?!\d)"
        rf"(?:,[ ]\d{{4}})?|{MONTH}[ ]\d{{4}}|\d{{4}}-\d\d-\d\d)\b"
    ),
    "weekday": re.compile(rf"\b{WEEKDAY}\b"),
    "month": re.compile(rf"\b{BARE_MONTH}\b"),
    "percentage": re.compile(r"[-\u2212+]?\d+(?:\.\d+)?[ ]?(?:%p?|percent(?:age[ ]points?)?)"),
    "year": re.compile(r"(?<![\w.,])(?:1[89]|20)\d\d(?:s\b)?(?![\w%.,]\d)"),
    "number": re.compile(
        r"(?<![\w.,])\d{1,3}(?:,\d{3})+(?:\.\d+)?(?:[ ](?:million|billion))?"
        r"|(?<![\w.,])\d+(?:\.\d+)?(?:[-\u2013]\d+)?(?:[ ](?:million|billion))?"
    ),
    "footnote": re.compile(r"[\u2070\u00b9\u00b2\u00b3\u2074-\u2079]+[\u207e)]?"),
    "name": re.compile(rf"(?<![\w'\u2019-])(?:{OPENER})?(?P<c>(?!{OPENER}){NAME})(?![\w-])"),
    "acronym": re.compile(r"(?<![\w-])[A-Z]{3,}(?![\w-])"),
}
