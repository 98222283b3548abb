using RareEarth.Engine;
using RareEarth.Runner.Recording;
using RareEarth.Scenarios;

namespace RareEarth.Runner;

/// <summary>One run of a compiled scenario with one seed, recorded in full.</summary>
public static class SingleRun
{
    public static SeriesRecorder Execute(Model model, int seed, bool counterfactual = false)
    {
        var state = new WorldState(model, seed) { Counterfactual = counterfactual };
        var rec = new SeriesRecorder();
        Simulation.Run(state, rec);
        return rec;
    }

    public static SeriesRecorder Execute(CompiledScenario scenario, int seed) => Execute(scenario.Model, seed);

    /// <summary>
    /// The same world and seed without the confrontation (events and price floors not marked <c>counterfactual: keep</c>),
    /// or null when the scenario has nothing to remove.
    /// </summary>
    public static SeriesRecorder? Counterfactual(Model model, int seed) =>
        model.HasCounterfactual ? Execute(model, seed, counterfactual: true) : null;
}
