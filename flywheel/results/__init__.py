"""Results: `simulate`, weekly arrays as frames and quantiles, calendar-year aggregates."""
