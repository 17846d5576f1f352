"""Regenerate the malformed-scenario corpus: `python tests/reliability/make_corpus.py`.

Each file is a scenario a user could plausibly hand us that must be refused with a clear
message. `expected.json` maps every file name to a fragment that the error message must
contain (the field, or the problem).
"""

from __future__ import annotations

import json
from pathlib import Path

from flywheel.scenario.catalogue import parameter_table

CORPUS = Path(__file__).resolve().parent / "corpus"


def cases() -> dict[str, tuple[bytes | str, str]]:
    """file name -> (content, expected fragment of the error message)."""
    c: dict[str, tuple[bytes | str, str]] = {}
    # TOML syntax errors
    syntax = {
        "unclosed_string": 'name = "baseline\n',
        "missing_value": "horizon_weeks =\n",
        "bare_word_value": "horizon_weeks = lots\n",
        "duplicate_key": "horizon_weeks = 10\nhorizon_weeks = 20\n",
        "duplicate_table": "[levers]\n[levers]\n",
        "unclosed_table": "[levers\npass_through_share = 0.5\n",
        "unclosed_array": 'knockouts = ["R1", \n',
        "bad_date": "start_date = 2026-02-31\n",
        "tab_garbage": "\t=\t=\n",
        "missing_equals": 'name "x"\n',
        "unicode_key_garbage": "ñame = = 1\n",
        "trailing_comma_inline": "levers = { pass_through_share = 0.5, }\n",
    }
    for key, text in syntax.items():
        c[f"syntax_{key}.toml"] = (text, "invalid TOML")
    # wrong types
    wrong = {
        "horizon_string": ('horizon_weeks = "520"\n', "horizon_weeks"),
        "horizon_float": ("horizon_weeks = 52.5\n", "horizon_weeks"),
        "horizon_bool": ("horizon_weeks = true\n", "horizon_weeks"),
        "name_number": ("name = 5\n", "name"),
        "lever_string": ('[levers]\npass_through_share = "0.6"\n', "levers.pass_through_share"),
        "lever_bool": ("[levers]\npass_through_share = true\n", "levers.pass_through_share"),
        "lever_array": ("[levers]\nbasket_usd = [50]\n", "levers.basket_usd"),
        "lever_table": ("[levers.basket_usd]\nvalue = 50\n", "levers.basket_usd"),
        "lever_date": ("[levers]\nbasket_usd = 2020-01-01\n", "levers.basket_usd"),
        "initial_flag_number": ("[initial]\nis_prime_launched = 1\n", "initial.is_prime_launched"),
        "initial_flag_string": (
            '[initial]\nis_marketplace_open = "yes"\n',
            "initial.is_marketplace_open",
        ),
        "levers_not_table": ("levers = 3\n", "levers"),
        "events_not_array": ("events = 3\n", "events"),
        "events_strings": ('events = ["prime_launch"]\n', "events[0]"),
        "knockouts_string": ('knockouts = "R1"\n', "knockouts"),
        "knockouts_numbers": ("knockouts = [1, 2]\n", "knockouts[0]"),
        "start_date_number": ("start_date = 20260105\n", "start_date"),
        "event_week_string": ('[[events]]\nkind = "prime_launch"\nweek = "10"\n', "week"),
        "event_week_float": ('[[events]]\nkind = "prime_launch"\nweek = 10.5\n', "week"),
        "policy_value_string": (
            '[[events]]\nkind = "policy"\nweek = 3\nlever = "basket_usd"\nvalue = "60"\n',
            "value",
        ),
    }
    for key, (text, fragment) in wrong.items():
        c[f"type_{key}.toml"] = (text, fragment)
    # unknown keys
    unknown = {
        "top": ('colour = "red"\n', "colour"),
        "top_typo": ("horizon_week = 520\n", "horizon_week"),
        "lever": ("[levers]\npass_thru = 0.5\n", "levers.pass_thru"),
        "initial": ("[initial]\nclients = 5\n", "initial.clients"),
        "event_field": ('[[events]]\nkind = "prime_launch"\nweek = 3\nfee = 79\n', "fee"),
        "table": ("[extras]\nx = 1\n", "extras"),
        "lever_in_initial": ("[initial]\npass_through_share = 0.5\n", "initial.pass_through_share"),
        "initial_in_levers": ("[levers]\ncustomers = 5\n", "levers.customers"),
    }
    for key, (text, fragment) in unknown.items():
        c[f"unknown_{key}.toml"] = (text, fragment)
    # out of range, from the schema's own bounds (just below min, just above max)
    rows = [r for r in parameter_table() if r["unit"] != "flag"]
    for row in rows[::4]:
        group, name = row["group"], row["name"]
        low, high = row["min"], row["max"]
        c[f"range_{name}_high.toml"] = (
            f"[{group}]\n{name} = {high * 1.5 + 1.0!r}\n",
            f"{group}.{name}",
        )
        if low > -1e11:
            below = low - abs(low) * 0.5 - 1.0
            c[f"range_{name}_low.toml"] = (f"[{group}]\n{name} = {below!r}\n", f"{group}.{name}")
    # NaN, infinity, huge numbers
    for value in ("nan", "inf", "-inf", "+nan"):
        c[f"nonfinite_lever_{value.strip('+-')}{'_neg' if value.startswith('-') else ''}.toml"] = (
            f"[levers]\nbasket_usd = {value}\n",
            "levers.basket_usd",
        )
    c["nonfinite_initial_inf.toml"] = ("[initial]\ncustomers = inf\n", "initial.customers")
    c["nonfinite_policy_nan.toml"] = (
        '[[events]]\nkind = "policy"\nweek = 1\nlever = "basket_usd"\nvalue = nan\n',
        "value",
    )
    c["huge_float.toml"] = ("[levers]\nbasket_usd = 1e308\n", "levers.basket_usd")
    c["huge_int_horizon.toml"] = ("horizon_weeks = 9223372036854775807\n", "horizon_weeks")
    c["huge_negative_horizon.toml"] = ("horizon_weeks = -9223372036854775808\n", "horizon_weeks")
    c["huge_exponent.toml"] = ("[initial]\ncustomers = 1e400\n", "initial.customers")
    c["huge_event_week.toml"] = ('[[events]]\nkind = "prime_launch"\nweek = 99999999\n', "week")
    c["huge_name.toml"] = ('name = "' + "x" * 5000 + '"\n', "name")
    # empty, garbage, encodings
    c["empty.toml"] = ("", "empty")
    c["whitespace_only.toml"] = ("  \n\t\n", "empty")
    c["comments_only.toml"] = ("# nothing here\n", "empty")
    c["binary_garbage.toml"] = (bytes(range(256)) * 4, "UTF-8")
    c["nul_bytes.toml"] = (b'name = "a\x00b"\n', "invalid TOML")
    c["utf16.toml"] = ('name = "x"\n'.encode("utf-16"), "UTF-8")
    c["latin1.toml"] = ('name = "caf\xe9"\n'.encode("latin-1"), "UTF-8")
    c["png_header.toml"] = (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "UTF-8")
    # deep nesting
    c["deep_array.toml"] = ("x = " + "[" * 5000 + "]" * 5000 + "\n", "")
    c["deep_inline_table.toml"] = ("x = " + "{a = " * 2000 + "1" + "}" * 2000 + "\n", "")
    c["deep_tables.toml"] = ("[" + ".".join(["a"] * 500) + "]\n", "a")
    # base problems
    c["base_missing.toml"] = ('base = "no_such_scenario"\n', "not found")
    c["base_traversal.toml"] = ('base = "../../../../../etc/passwd"\n', "base")
    c["base_absolute.toml"] = ('base = "/etc/passwd"\n', "base")
    c["base_traversal_shipped.toml"] = ('base = "../flywheel/__init__.py"\n', "base")
    c["base_number.toml"] = ("base = 3\n", "base")
    c["base_empty.toml"] = ('base = ""\n', "base")
    c["base_self.toml"] = ('base = "base_self"\n', "circular")
    c["base_circular_a.toml"] = ('base = "base_circular_b"\n', "circular")
    c["base_circular_b.toml"] = ('base = "base_circular_a"\n', "circular")
    c["base_bad_child_value.toml"] = (
        'base = "baseline"\n[levers]\nbasket_usd = -1\n',
        "levers.basket_usd",
    )
    c["drop_events_without_base.toml"] = ('drop_events = ["prime"]\n', "drop_events")
    c["drop_events_not_list.toml"] = ('base = "baseline"\ndrop_events = "prime"\n', "drop_events")
    # events
    ev = '[[events]]\nkind = "{kind}"\n{body}\n'
    events = {
        "negative_week": ("prime_launch", "week = -1", "week"),
        "past_horizon": ("prime_launch", "week = 520", "horizon"),
        "date_before_start": ("prime_launch", "date = 2020-01-01", "horizon"),
        "date_after_horizon": ("prime_launch", "date = 2099-01-01", "horizon"),
        "no_week_or_date": ("prime_launch", "", "week"),
        "week_and_date": ("prime_launch", "week = 3\ndate = 2026-02-01", "week"),
        "unknown_kind": ("boom", "week = 3", "kind"),
        "duration_zero": ("demand_shock", "week = 3\nduration_weeks = 0", "duration_weeks"),
        "shock_size_huge": ("demand_shock", "week = 3\nsize_share = 50.0", "size_share"),
        "recession_negative": ("recession", "week = 3\ndepth_share = -0.2", "depth_share"),
        "price_war_total": ("price_war", "week = 3\ndepth_share = 1.0", "depth_share"),
        "outage_negative": ("fc_outage", "week = 3\ncenters = -2.0", "centers"),
        "policy_unknown_lever": (
            "policy",
            'week = 3\nlever = "warp_drive"\nvalue = 1.0',
            "warp_drive",
        ),
        "policy_out_of_range": (
            "policy",
            'week = 3\nlever = "pass_through_share"\nvalue = 2.0',
            "pass_through_share",
        ),
        "policy_initial_name": (
            "policy",
            'week = 3\nlever = "customers"\nvalue = 2.0',
            "customers",
        ),
    }
    for key, (kind, body, fragment) in events.items():
        c[f"event_{key}.toml"] = (ev.format(kind=kind, body=body), fragment)
    c["event_missing_kind.toml"] = ("[[events]]\nweek = 3\n", "kind")
    # knockouts, horizon, dates, consistency
    c["knockout_unknown.toml"] = ('knockouts = ["R9"]\n', "knockouts")
    c["knockout_lowercase.toml"] = ('knockouts = ["r1"]\n', "knockouts")
    c["knockout_duplicate.toml"] = ('knockouts = ["R1", "R1"]\n', "knockouts")
    c["horizon_zero.toml"] = ("horizon_weeks = 0\n", "horizon_weeks")
    c["horizon_too_long.toml"] = ("horizon_weeks = 100000\n", "horizon_weeks")
    c["start_date_text.toml"] = ('start_date = "next monday"\n', "start_date")
    c["start_date_datetime_garbage.toml"] = ('start_date = "2026-01-05T25:00"\n', "start_date")
    c["customers_above_market.toml"] = (
        "[initial]\nmarket_people = 1000.0\ncustomers = 5000.0\n",
        "customers",
    )
    c["prime_above_customers.toml"] = (
        "[initial]\ncustomers = 10.0\nprime_members = 20.0\n",
        "prime_members",
    )
    c["market_above_ceiling.toml"] = (
        "[levers]\nmarket_ceiling_people = 1000.0\n"
        "[initial]\nmarket_people = 5000.0\ncustomers = 10.0\n",
        "market",
    )
    c["cx_weights_all_zero.toml"] = (
        "[levers]\n"
        + "".join(
            f"cx_weight_{w} = 0.0\n"
            for w in ("price", "selection", "speed", "service", "reliability")
        ),
        "cx_weight",
    )
    c.update(hardening_cases())
    return c


def hardening_cases() -> dict[str, tuple[bytes | str, str]]:
    """Issue 21: bases of the wrong structure, the calendar's ends, long base names, nan in
    [sweep], control characters in keys and names, drop_events naming nothing."""
    c: dict[str, tuple[bytes | str, str]] = {}
    # A broken base is refused on its own, and a file naming it gets "in base FILE:LINE".
    parents = {
        "levers_list": ('name = "p"\nlevers = [1, 2]\n', "levers"),
        "events_int": ('name = "p"\nevents = 5\n', "events"),
        "initial_int": ('name = "p"\ninitial = 3\n', "initial"),
        "levers_string": ('name = "p"\nlevers = "fast"\n', "levers"),
        "events_table": ('name = "p"\n[events]\nkind = "prime_launch"\n', "events"),
        "bad_value": ('name = "p"\n[levers]\nbasket_usd = -1.0\n', "levers.basket_usd"),
        "late_start": ("start_date = 9999-06-07\nhorizon_weeks = 2600\n", "start_date"),
    }
    for key, (text, fragment) in parents.items():
        c[f"base_parent_{key}.toml"] = (text, fragment)
        line = 3 if key == "bad_value" else 2 if key != "late_start" else 1
        c[f"base_sibling_{key}.toml"] = (
            f'base = "base_parent_{key}"\n',
            f"base_parent_{key}.toml:{line}: {fragment}",
        )
    # the original tracebacks: the child has the table the base got wrong
    c["base_sibling_levers_list_child_table.toml"] = (
        'base = "base_parent_levers_list"\n[levers]\nbasket_usd = 60.0\n',
        "base_parent_levers_list.toml:2: levers",
    )
    c["base_sibling_initial_int_child_table.toml"] = (
        'base = "base_parent_initial_int"\n[initial]\ncustomers = 5.0\n',
        "base_parent_initial_int.toml:2: initial",
    )
    c["base_sibling_events_int_child_events.toml"] = (
        'base = "base_parent_events_int"\n[[events]]\nkind = "prime_launch"\nweek = 1\n',
        "base_parent_events_int.toml:2: events",
    )
    c["base_name_5000_chars.toml"] = ('base = "' + "x" * 5000 + '"\n', "5000 characters")
    c["base_name_300_chars.toml"] = ('base = "' + "y" * 300 + '"\n', "300 characters")
    c["base_name_newline.toml"] = ('base = "baseline\\nerror: ok"\n', "not found")
    # the calendar: Python's dates end at 9999-12-31, flywheel's at 9899-12-31
    late = "start_date = {start}\nhorizon_weeks = {weeks}\n"
    c["date_horizon_past_9999.toml"] = (
        late.format(start="9999-06-07", weeks=2600),
        "start_date = 9999-06-07 with horizon_weeks = 2600",
    )
    c["date_start_9999_12_31.toml"] = (late.format(start="9999-12-31", weeks=1), "start_date")
    c["date_horizon_past_9899.toml"] = (late.format(start="9899-12-25", weeks=2), "9899-12-31")
    c["date_default_horizon_late.toml"] = ("start_date = 9890-06-01\n", "at most 500 weeks")
    c["date_start_year_1.toml"] = ("start_date = 0001-01-01\n", "too early")
    c["date_start_year_99.toml"] = ("start_date = 0099-12-31\nhorizon_weeks = 1\n", "too early")
    c["date_late_start_event_outside.toml"] = (
        late.format(start="9999-06-07", weeks=20)
        + '[[events]]\nkind = "prime_launch"\ndate = 9999-12-30\n',
        "start_date",
    )
    c["date_event_year_9999.toml"] = (
        '[[events]]\nkind = "prime_launch"\ndate = 9999-12-31\n',
        "events[0].date = 9999-12-31",
    )
    c["date_event_year_1.toml"] = (
        '[[events]]\nkind = "recession"\ndate = 0001-01-01\n',
        "events[0].date = 0001-01-01",
    )
    # [sweep]: every value a finite number, named by its lever
    sweeps = {
        "nan_in_list": ("pass_through_share = [0.5, nan]", "sweep.pass_through_share = [0.5, nan]"),
        "inf_in_list": ("basket_usd = [inf]", "sweep.basket_usd"),
        "string_in_list": ('basket_usd = [50.0, "60"]', "sweep.basket_usd"),
        "bool_in_list": ("basket_usd = [true]", "sweep.basket_usd"),
        "table_value": ("basket_usd = { start = 1 }", "sweep.basket_usd"),
        "number_value": ("basket_usd = 50.0", "sweep.basket_usd"),
        "nan_in_range": ('basket_usd = "10:nan:3"', "sweep.basket_usd"),
        "count_huge": ('basket_usd = "10:20:100001"', "count 1 to 10000"),
        "unknown_lever": ("warp_drive = [1.0]", "sweep.warp_drive"),
        "out_of_range": ("pass_through_share = [0.5, 1.5]", "sweep.pass_through_share"),
        "empty_list": ("basket_usd = []", "sweep.basket_usd"),
    }
    for key, (body, fragment) in sweeps.items():
        c[f"sweep_{key}.toml"] = (f"[sweep]\n{body}\n", fragment)
    # control characters: refused files whose message repeats the user's text
    c["control_key_newline.toml"] = ('"bogus\\nerror: all good, exit 0" = 1\n', "bogus\\n")
    c["control_key_escape.toml"] = ('"\\u001b[2Jcolour" = 1\n', "\\x1b[2Jcolour")
    c["control_lever_key_escape.toml"] = (
        '[levers]\n"pass\\u001b[31m" = 1.0\n',
        "levers.pass\\x1b[31m",
    )
    c["control_sweep_key_c1.toml"] = ('[sweep]\n"x\\u009b2J" = [1.0]\n', "sweep.x\\x9b2J")
    c["control_name_too_long.toml"] = (
        'name = "\\u001b[31m' + "r" * 300 + '"\n',
        "\\x1b[31m",
    )
    c["control_bidi_key.toml"] = ('"abc\\u202edef" = 1\n', "abc\\u202edef")
    c["control_event_kind_escape.toml"] = (
        '[[events]]\nkind = "boom\\u001b[0m"\nweek = 1\n',
        "kind",
    )
    # drop_events: each entry must name a base event (an id or a kind)
    c["drop_events_names_nothing.toml"] = (
        'base = "baseline"\ndrop_events = ["prim"]\n',
        "drop_events names 'prim'",
    )
    c["drop_events_empty_name.toml"] = ('base = "baseline"\ndrop_events = [""]\n', "drop_events")
    c["drop_events_number.toml"] = ('base = "baseline"\ndrop_events = [1]\n', "drop_events")
    c["drop_events_kind_absent.toml"] = (
        'base = "baseline"\ndrop_events = ["recession"]\n',
        "drop_events names 'recession'",
    )
    return c


def main() -> None:
    """Write every case into corpus/ and the expectations into corpus/expected.json."""
    CORPUS.mkdir(exist_ok=True)
    expected = {}
    for name, (content, fragment) in sorted(cases().items()):
        data = content if isinstance(content, bytes) else content.encode("utf-8")
        (CORPUS / name).write_bytes(data)
        expected[name] = fragment
    for stale in CORPUS.glob("*.toml"):  # e.g. range files of parameters no longer picked
        if stale.name not in expected:
            stale.unlink()
    (CORPUS / "expected.json").write_text(json.dumps(expected, indent=1) + "\n")
    print(f"wrote {len(expected)} files to {CORPUS}")


if __name__ == "__main__":
    main()
