"""Write ``analyst_walkthrough.ipynb``, executed, with its outputs.

Run ``python examples/make_walkthrough.py`` after editing a section: it builds the
notebook from ``SECTIONS``, runs it top to bottom (nbclient, in a scratch folder) and
stores it with its outputs, so the docs site renders them.
``tests/examples/test_notebook.py`` checks that the stored cells are these and that a
fresh run prints the same outputs.

To add a part, append a ``(name, cells)`` entry to ``SECTIONS``; each cell is
``("md", text)`` or ``("code", source)``. Outputs must not depend on the run: print
no timings, no temporary paths, no dates. A cell whose output cannot help it (a chart
with generated element ids) is ``("code:volatile", source)``: it is run and stored,
and the test does not compare its output.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

Cell = tuple[str, str]

#: The notebook, part by part (append new parts at the end).
SECTIONS: list[tuple[str, list[Cell]]] = [
    (
        "intro",
        [
            (
                "md",
                """\
# From a raw form export to explained pairs

An analyst's walk through one real export: the Cognitive Science Society's 2024
pop-up mentoring programme (CC0, names redacted upstream). Mentees and mentors
answered two different forms; both exports have long, slugified question headers.

We will **load** the raw files, **validate** them against a mapping, **fix** the
mapping, **match**, read the **summary**, **explain** a pair, **export**
spreadsheet-safe files, and **check** an edited matching. The exports ship with
rmatch (`rmatch.datasets.example_files("cogsci")`), so the notebook runs after
`pip install rmatch`.""",
            ),
            (
                "code",
                """\
import tempfile
from dataclasses import replace
from pathlib import Path

import pandas as pd

import rmatch
from rmatch.io import read_raw
from rmatch.survey import validate_survey

# the two raw exports ship with rmatch (CC0): no path into a repository
FILES = rmatch.datasets.example_files("cogsci")
EXPORTS = [f for f in FILES if f.name.endswith(".csv")]
print([f.name for f in EXPORTS])
pd.set_option("display.max_colwidth", 60)""",
            ),
        ],
    ),
    (
        "raw",
        [
            (
                "md",
                """\
## 1. Look at the raw export

Each form has its own questions; `read_raw` shows the columns exactly as exported
(and the spreadsheet row number of every answer). The question columns are long
slugs, so we will look them up by how they start.""",
            ),
            (
                "code",
                """\
mentees = read_raw(EXPORTS[0])
mentors = read_raw(EXPORTS[1])
print(mentees.frame.shape, "rows x columns; rows", mentees.rows.tolist())
COLUMNS = list(dict.fromkeys([*mentees.frame.columns, *mentors.frame.columns]))


def questions(start):
    \"\"\"The columns whose names start with ``start``.\"\"\"
    return [c for c in COLUMNS if c.startswith(start)]


[c[:70] for c in mentees.frame.columns]""",
            ),
        ],
    ),
    (
        "mapping",
        [
            (
                "md",
                """\
## 2. A first mapping, and what validation says about it

A mapping says which question feeds which canonical field. The forms' `type`
column names the form a row came from, which gives the role. We type one question
by hand, and get it slightly wrong.""",
            ),
            (
                "code",
                """\
mapping = {
    "separators": [", "],
    "type": {
        "field": "role",
        "values": {
            "Mentees_OnSite_06122024.csv": "mentee",
            "Mentors_OnSite_07082024.csv": "mentor",
        },
    },
    "email_address": "email",
    "what_is_the_main_topic_you_would_like_to_discuss": "skills_wanted",
}
for column in questions("in_order_to_match_you_with_someone_in_a_related"):
    mapping[column] = "interests"  # research areas, asked twice
for column in questions("what_main_topic_can_you_provide_advice_on"):
    mapping[column] = "skills_offered"
report = validate_survey(EXPORTS, mapping)
print(report.summary())
pd.DataFrame(report.to_records())[["severity", "column", "message", "fix"]]""",
            ),
            (
                "md",
                """\
Every problem names the file, the column and a fix; the fix suggests the closest
real column. We correct the mapping and add the other topic questions.""",
            ),
            (
                "code",
                """\
del mapping["what_is_the_main_topic_you_would_like_to_discuss"]
for column in questions("what_is_the_main_topic_you_would_you_like_to_discuss"):
    mapping[column] = "skills_wanted"
for column in questions("are_there_any_other_topics_youd_like_to_discuss"):
    mapping[column] = "skills_wanted"
for column in questions("are_there_any_other_topics_you_can_advise_on"):
    mapping[column] = "skills_offered"
report = validate_survey(EXPORTS, mapping)
print(report.summary())
assert report.ok""",
            ),
        ],
    ),
    (
        "people",
        [
            (
                "md",
                """\
## 3. Read the people

`read_survey` returns `People`: canonical columns (parsed multi-select answers,
ids from normalized e-mails) next to the raw columns, which custom rules can use.""",
            ),
            (
                "code",
                """\
people = rmatch.read_survey(EXPORTS, mapping)
print(people)
shown = ["id", "name", "role", "institution", "interests", "skills_wanted"]
people.table[[*shown, "skills_offered"]]""",
            ),
        ],
    ),
    (
        "match",
        [
            (
                "md",
                """\
## 4. Match

Two mentors take three mentees each. A hard rule keeps people from the same
institution apart; the objective matches as many mentees as possible first.""",
            ),
            (
                "code",
                """\
program = rmatch.Program(
    criteria=[rmatch.Skills(weight=3, backward=0.0), rmatch.Interests(weight=1)],
    rules=[rmatch.DifferentValue("institution")],
    mentor_capacity=3,
    objective="coverage",
)
result = program.match(people)
print(replace(result.summary(), seconds={}))  # timings vary: left out""",
            ),
            (
                "code",
                """\
result.pairs[["mentor_name", "mentee_name", "score", "skills", "interests"]]""",
            ),
        ],
    ),
    (
        "explain",
        [
            (
                "md",
                """\
## 5. Why this pair?

An explanation gives each criterion's score and what drove it, the rank of the
partner among the candidates, and which rules removed candidates.""",
            ),
            (
                "code",
                """\
explanation = result.explain("re@univ2.ac.ca")
print(explanation)""",
            ),
        ],
    ),
    (
        "export",
        [
            (
                "md",
                """\
## 6. Export

CSV and Excel files are safe to open: a cell starting with `=`, `+`, `-` or `@`
cannot run as a formula. `bom=True` makes Excel show the names' special letters.""",
            ),
            (
                "code",
                """\
out = Path(tempfile.mkdtemp())
result.to_csv(out / "pairs.csv", unmatched=out / "unmatched.csv", bom=True)
result.to_csv(out / "pairs.xlsx")
result.to_json(out / "result.json")
print(sorted(p.name for p in out.iterdir()))
pd.read_csv(out / "pairs.csv", encoding="utf-8-sig").head(3)""",
            ),
        ],
    ),
    (
        "check",
        [
            (
                "md",
                """\
## 7. Check an edited matching

Pairs get edited by hand before they are sent. `rmatch.check_pairs` scores any pairs
table under the same program and lists every rule, capacity and quota it breaks, with
the people involved, and its objective against rmatch's optimum. Here the first
mentor is also given a mentee from their own institution, on top of a full load.""",
            ),
            (
                "code",
                """\
pairs = result.pairs
mentor = pairs["mentor_id"].iloc[0]
institution = people.table.set_index("id")["institution"]
mentees = people.table.loc[people.table["role"] == "mentee", "id"]
colleague = sorted(m for m in mentees if institution[m] == institution[mentor])[0]
extra = pd.DataFrame({"mentor_id": [mentor], "mentee_id": [colleague]})
edited = pd.concat([pairs[["mentor_id", "mentee_id"]], extra])
check = rmatch.check_pairs(program, people, edited, name="edited", optimum=result)
print(check.summary())""",
            ),
            (
                "code",
                """\
check.findings""",
            ),
        ],
    ),
    (
        "choices",
        [
            (
                "md",
                """\
## 8. Shortlists, then pairs from what people chose

Instead of imposing pairs, show each mentee a few suggested mentors, spread so that
the most popular mentors are not suggested to everyone, and let them rank them. The
ranked choices then feed a **stable** matching: no mentor and mentee would both
rather be together than with the partners they got.""",
            ),
            (
                "code",
                """\
lists = program.shortlist(people, k=2)
print(lists.summary())
lists.table[["person_id", "rank", "candidate_id", "score", "reason"]]""",
            ),
            (
                "code",
                """\
# as if every mentee ranked their shortlist in the suggested order
form = lists.table[["person_id", "candidate_id", "rank"]]
choices = rmatch.read_choices(form, people)
program.method = "stable"
chosen = program.match(people, choices=choices)
print("blocking pairs:", chosen.blocking_pairs)
chosen.pairs[["mentor_name", "mentee_name", "mentee_choice", "score"]]""",
            ),
        ],
    ),
    (
        "round2",
        [
            (
                "md",
                """\
## 9. Round 2: feedback and a re-match

After the check-ins, each pair is rated from 1 to 5 (or marked `continue`, `end`
or `not a fit`). A re-match keeps the pairs rated 4 or more, never proposes a pair
rated 2 or less again, does not repeat the others, and matches first the people
left unmatched in round 1 (this priority needs the objective `total`). The
changelog says what happened to every pair and why.""",
            ),
            (
                "code",
                """\
round1 = rmatch.read_matching(out / "result.json")  # a stored round, read back
feedback = round1[["mentor_id", "mentee_id"]].assign(
    rating=[5, 2, 3, 4, 1, 5][: len(round1)] + [4] * max(0, len(round1) - 6)
)
settings = program.to_dict()
settings["program"]["objective"] = "total"
settings["program"]["method"] = "auto"  # part 8 chose stable
settings["rounds"] = {"keep": "good", "threshold": 4, "bad_rating": 2}
round2_program = rmatch.Program.from_dict(settings)
round2 = round2_program.match(people, previous=out / "result.json", feedback=feedback)
print(replace(round2.summary(), seconds={}))
round2.changes""",
            ),
        ],
    ),
    (
        "report",
        [
            (
                "md",
                """\
## 10. The owner's report

`result.report()` gathers what a program owner shows leadership: coverage overall
and by group, the score distribution, each criterion's contribution, the mix, the
skills wanted and covered, why people are unmatched, capacity use and the
certificate. Every part is a DataFrame; `report.charts` holds the charts as SVG
(with `pip install 'rmatch[report]'`) and `to_html` writes one page to share.""",
            ),
            (
                "code",
                """\
report = result.report()
print(sorted(report.tables()))
report.coverage""",
            ),
            (
                "code",
                """\
from IPython.display import SVG, display

for name in ("scores", "criteria", "skills"):
    display(SVG(report.charts[name]))""",
            ),
            (
                "code",
                """\
page = report.to_html(out / "report.html", names=False)  # ids only, to share
print(page.name, f"{len(report.charts)} charts")""",
            ),
        ],
    ),
]


def cells() -> list[Cell]:
    """Every cell, in order."""
    return [cell for _, part in SECTIONS for cell in part]


def build() -> nbformat.NotebookNode:
    """Return the notebook without outputs."""
    notebook = new_notebook()
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    notebook.metadata["language_info"] = {"name": "python"}
    for kind, text in cells():
        cell = new_markdown_cell(text) if kind == "md" else new_code_cell(text)
        if kind == "code:volatile":
            cell.metadata["tags"] = ["volatile"]
        notebook.cells.append(cell)
    for k, cell in enumerate(notebook.cells):
        cell["id"] = f"cell-{k:02d}"  # stable ids: the file does not change on rebuild
    return notebook


def execute(notebook: nbformat.NotebookNode, timeout: int = 120) -> None:
    """Run ``notebook`` in place, in a scratch folder, without timing metadata."""
    import nbclient

    with tempfile.TemporaryDirectory() as folder:
        client = nbclient.NotebookClient(
            notebook,
            timeout=timeout,
            kernel_name="python3",
            record_timing=False,
            resources={"metadata": {"path": folder}},
        )
        client.execute()
    # the interpreter's version would change the file on every machine
    notebook.metadata["language_info"].pop("version", None)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs = merge_streams(cell.outputs)


def merge_streams(outputs: list[Any]) -> list[Any]:
    """Join consecutive pieces of the same stream (the kernel cuts them at random)."""
    merged: list[Any] = []
    for output in outputs:
        last = merged[-1] if merged else None
        if (
            last is not None
            and output.get("output_type") == "stream"
            and last.get("output_type") == "stream"
            and last.get("name") == output.get("name")
        ):
            last["text"] = last["text"] + output["text"]
        else:
            merged.append(output)
    return merged


def executed() -> nbformat.NotebookNode:
    """Return the notebook, run."""
    notebook = build()
    execute(notebook)
    return notebook


if __name__ == "__main__":
    target = Path(__file__).with_name("analyst_walkthrough.ipynb")
    nbformat.write(executed(), target)
    print(f"wrote {target}")
