"""What `flywheel attribute` prints: the outcome in words and with its unit, what the uncut
run gave, what "total" is, and the table's numbers with their units ("$4.85 B")."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flywheel.experiments.outcomes import WEEKS_PER_YEAR, Outcome
from flywheel.model.outputs import output as output_row
from flywheel.results.quantities import quantity_text, yearly_unit

if TYPE_CHECKING:
    import pandas as pd

# The table's columns with a value in the outcome's unit, and the header each is printed under
VALUE_COLUMNS = {
    "mean": "mean",
    "standard_error": "standard error",
    "q05": "5 %",
    "q50": "50 %",
    "q95": "95 %",
    "shapley_mean": "Shapley",
}
# Short words for how a year of an output is taken (`Output.yearly`)
YEARLY_WORDS = {"sum": "summed over", "mean": "averaged over", "last": "at the end of"}


def outcome_words(outcome: Outcome, weeks: int) -> tuple[str, str, str]:
    """(name, unit, how) of an outcome of a `weeks`-week run: ("year-10 revenue", "USD",
    "summed over model year 10, weeks 468-519"), ("active customers at week 100", "people",
    "week 100"), ("active customers at the last week", "people", "week 519")."""
    row = output_row(outcome.output)
    label = row.label
    if len(label) > 1 and not label[1].isupper():  # "Revenue" -> "revenue"; "GMV" stays
        label = label[0].lower() + label[1:]
    if outcome.year is not None:
        first = WEEKS_PER_YEAR * (outcome.year - 1)
        last = min(first + WEEKS_PER_YEAR, weeks) - 1
        how = f"{YEARLY_WORDS[row.yearly]} model year {outcome.year}, weeks {first}-{last}"
        return f"year-{outcome.year} {label}", yearly_unit(outcome.output), how
    week = weeks - 1 if outcome.week is None else outcome.week % weeks
    at = "the last week" if outcome.week is None else f"week {outcome.week}"
    return f"{label} at {at}", row.unit, f"week {week}"


def attribution_report(
    table: pd.DataFrame, outcome: Outcome, weeks: int, replications: int, since: str = ""
) -> str:
    """The text `flywheel attribute` prints for `table` (`Attribution.table()`): a heading
    naming the outcome and its unit, the uncut run's value, what each row and `total` mean,
    then the table with every value in the outcome's unit."""
    name, unit, how = outcome_words(outcome, weeks)
    uncut = quantity_text(table.attrs["all_on_mean"], unit)
    total = float(table.loc[table["component"] == "total", "mean"].iloc[0])
    lines = [
        f"attribution of {name} ({outcome.text}: {unit}, {how}), {replications} "
        f"replications{since}",
        f"uncut run (every loop on): {uncut} {name}, the mean over the replications",
        "each loop = uncut run - that loop alone cut: what cutting it takes away (< 0: the "
        "loop held the outcome back); interaction = total - the loops' sum",
        f"total = uncut run - every loop cut = {quantity_text(total, unit)}: what the loops "
        "add together",
        "",
    ]
    shown = table.copy()  # the caller's table keeps its numbers
    for column in VALUE_COLUMNS:
        if column in shown.columns:
            shown[column] = [quantity_text(value, unit) for value in shown[column]]
    shown = shown.rename(columns=VALUE_COLUMNS)
    lines.append(shown.to_string(index=False))
    return "\n".join(lines)
