using RareEarth.Engine;
using RareEarth.Runner.Recording;
using RareEarth.Scenarios;

namespace RareEarth.Runner;

/// <summary>One run of a compiled scenario with one seed, recorded in full.</summary>
public static class SingleRun
{
    public static SeriesRecorder Execute(Model model, int seed)
    {
        var state = new WorldState(model, seed);
        var rec = new SeriesRecorder();
        Simulation.Run(state, rec);
        return rec;
    }

    public static SeriesRecorder Execute(CompiledScenario scenario, int seed) => Execute(scenario.Model, seed);
}
