using System.CommandLine;

namespace RareEarth.Cli;

/// <summary><c>validate SCENARIO [--set ...]</c>: checks a scenario and reports every problem; writes nothing.</summary>
internal static class ValidateCommand
{
    public static Command Create()
    {
        var scenario = Common.ScenarioArgument();
        var set = Common.SetOption();
        var cmd = new Command("validate", "Check a scenario file and report every problem with file, line and column; writes nothing.") { scenario, set };
        cmd.SetAction(parse =>
        {
            var path = parse.GetValue(scenario)!;
            var compiled = Common.Load(path, parse.GetValue(set) ?? Array.Empty<string>());
            if (compiled is null) return Common.InvalidInput;
            var m = compiled.Model;
            Console.WriteLine($"ok: {path} - '{compiled.Name}', {m.MonthLabel(0)} to {m.MonthLabel(m.Months - 1)} ({m.Months} months), " +
                              $"{m.C} countries, {m.F} firms, {m.S} sectors, {m.M} materials, {m.Events.Length} events, {compiled.Uncertain.Count} uncertain parameters");
            return Common.Ok;
        });
        return cmd;
    }
}
