using System.Diagnostics;
using RareEarth.Engine;
using RareEarth.Runner.Batch;
using RareEarth.Scenarios;

namespace RareEarth.Runner.Calibration;

/// <summary>
/// A batch worker for calibration runs: compiles the run's parameter values, simulates (no counterfactual), records
/// only the targets' series and computes the targets' distances. One per worker thread; its recorder and world state
/// are reused across runs.
/// </summary>
public sealed class CalibrationWorker : IBatchWorker
{
    readonly BatchPlan _plan;
    readonly BatchScenario _scenario;
    readonly CalibrationSetup _setup;
    readonly TargetRecorder _recorder;
    WorldState? _state;

    public CalibrationWorker(BatchPlan plan, BatchScenario scenario, CalibrationSetup setup)
    {
        _plan = plan; _scenario = scenario; _setup = setup;
        _recorder = new TargetRecorder(setup.Series, setup.Months);
    }

    public RunResult Execute(int i)
    {
        var sw = Stopwatch.StartNew();
        int seed = _plan.Seeds[i];
        double compileMs = 0;
        try
        {
            var compiled = _scenario.Compile(_plan.OverridesOf(i));
            if (!_setup.Layout.Fits(compiled.Model))
                throw new InvalidOperationException("the run's parameter values change the scenario's structure (months, materials or countries)");
            compileMs = sw.Elapsed.TotalMilliseconds;
            if (_state is not null && WorldState.SameShape(_state.Model, compiled.Model)) _state.Reset(compiled.Model, seed);
            else _state = new WorldState(compiled.Model, seed);
            Simulation.Run(_state, _recorder);
            var metrics = new double[_setup.Layout.Metrics.Count];
            _setup.Metrics(_recorder.Values, metrics);
            var series = _recorder.Values.Select(v => v.Select(BatchRecorder.SeriesValue).ToArray()).ToArray();
            return new RunResult { RunIndex = i, Seed = seed, Ok = true, ElapsedMs = sw.Elapsed.TotalMilliseconds, CompileMs = compileMs, Metrics = metrics, Series = series };
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            _state = null;
            string error = e is ScenarioException se ? "invalid parameter values: " + string.Join("; ", se.Errors.Select(x => $"{x.Path}: {x.Message}")) : $"{e.GetType().Name}: {e.Message}";
            return new RunResult { RunIndex = i, Seed = seed, Ok = false, Error = error, ElapsedMs = sw.Elapsed.TotalMilliseconds, CompileMs = compileMs };
        }
    }
}
