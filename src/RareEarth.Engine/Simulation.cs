namespace RareEarth.Engine;

/// <summary>
/// Advances a <see cref="WorldState"/> one calendar month at a time. The order of a month is fixed:
/// <list type="number">
/// <item>scenario events dated this month take effect (<see cref="Phases.EventsPhase"/>);</item>
/// <item>countries apply their rules: quotas, licence approvals, stockpile decisions, needs (<see cref="Phases.RulesPhase"/>);</item>
/// <item>firms produce from their input stocks (<see cref="Phases.ProductionPhase"/>);</item>
/// <item>trade: offtake deliveries, stockpile releases, then one call auction per material and price region (<see cref="Phases.MarketPhase"/>);</item>
/// <item>end-use sectors consume; unmet need is shortage (<see cref="Phases.ConsumptionPhase"/>);</item>
/// <item>agents adapt: expectations, perceived risk, investment, R&amp;D, reaction rules (<see cref="Phases.AdaptationPhase"/>).</item>
/// </list>
/// Recording is the caller's: it reads the state after <see cref="Step"/> returns.
/// The engine does no I/O, reads no clock and draws only from the state's own seeded generator.
/// </summary>
public static class Simulation
{
    /// <summary>Runs one month. Allocates nothing.</summary>
    public static void Step(WorldState s)
    {
        s.ClearFlows();
        Phases.EventsPhase.Apply(s);
        Phases.RulesPhase.Apply(s);
        Phases.ProductionPhase.Apply(s);
        Phases.MarketPhase.Apply(s);
        Phases.ConsumptionPhase.Apply(s);
        Phases.AdaptationPhase.Apply(s);
        s.Month++;
    }

    /// <summary>Runs the whole horizon, calling <paramref name="recorder"/> after every month.</summary>
    public static void Run(WorldState s, IRecorder recorder)
    {
        recorder.Begin(s.Model);
        while (s.Month < s.Model.Months)
        {
            Step(s);
            recorder.Record(s, s.Month - 1);
        }
        recorder.End(s);
    }

    /// <summary>
    /// Runs <paramref name="run"/> and its counterfactual <paramref name="counterfactual"/> (a state of the same model with
    /// <see cref="WorldState.Counterfactual"/> set, reset to the same seed), with the same results as two separate
    /// <see cref="Run"/>s but the months before the two worlds can differ (<see cref="Model.CounterfactualDivergence"/>)
    /// simulated once: both recorders see those months from the run's state, then the counterfactual continues from a
    /// copy of it.
    /// </summary>
    public static void RunPaired(WorldState run, IRecorder recorder, WorldState counterfactual, IRecorder counterfactualRecorder)
    {
        if (!counterfactual.Counterfactual) throw new ArgumentException("the second state must be a counterfactual state", nameof(counterfactual));
        var model = run.Model;
        int shared = Math.Clamp(model.CounterfactualDivergence, 0, model.Months);
        if (run.Month != 0 || counterfactual.Month != 0 || !ReferenceEquals(counterfactual.Model, model)) shared = 0;
        recorder.Begin(model);
        if (shared > 0)
        {
            counterfactualRecorder.Begin(model);
            while (run.Month < shared)
            {
                Step(run);
                recorder.Record(run, run.Month - 1);
                counterfactualRecorder.Record(run, run.Month - 1);
            }
            counterfactual.CopyFrom(run);
        }
        while (run.Month < model.Months)
        {
            Step(run);
            recorder.Record(run, run.Month - 1);
        }
        recorder.End(run);
        if (shared == 0) { Run(counterfactual, counterfactualRecorder); return; }
        while (counterfactual.Month < model.Months)
        {
            Step(counterfactual);
            counterfactualRecorder.Record(counterfactual, counterfactual.Month - 1);
        }
        counterfactualRecorder.End(counterfactual);
    }
}

/// <summary>Sees the state after each month and decides what to keep.</summary>
public interface IRecorder
{
    void Begin(Model model);
    void Record(WorldState state, int month);
    void End(WorldState state);
}
