"""flywheel: simulate a business flywheel (Amazon's napkin sketch) and watch it compound.

Public API: `load_scenario(path) -> Scenario`, `simulate(scenario, replications, seed) ->
Results`, `Results.frame()`, `Results.annual()`, `Results.write(path)` (with its
`provenance`), `load_results(path) -> Results`. Nothing here imports streamlit, matplotlib,
dask or SALib.
"""

from flywheel.results.reading import load_results
from flywheel.results.simulation import simulate
from flywheel.results.weekly import Results
from flywheel.scenario.loading import Scenario, ScenarioError, load_scenario

__all__ = ["Results", "Scenario", "ScenarioError", "load_results", "load_scenario", "simulate"]
__version__ = "0.1.0"
