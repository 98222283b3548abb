using System.Diagnostics;
using RareEarth.Fuzzing;
using RareEarth.Tests.Cli;

namespace RareEarth.Tests.Scenarios;

/// <summary>
/// The fuzzer in CI (docs/fuzzing.md): every input of the corpus (Fixtures/fuzz-corpus/: shipped scenarios trimmed,
/// hostile cases, --set samples) and a fixed number of deterministic mutations of them go through the same target as
/// the SharpFuzz harness. Each must give a compiled scenario or scenario errors, within a time limit: no other
/// exception, no hang.
/// </summary>
public class FuzzCorpusTests
{
    const int Mutations = 3000, Seed = 20_251_202;
    static readonly TimeSpan PerInput = TimeSpan.FromSeconds(15);

    static string CorpusFolder => TestPaths.Fixture("fuzz-corpus");

    /// <summary>The corpus, valid scenarios and --set samples four times over: most mutations start near a valid scenario.</summary>
    static List<byte[]> WeightedCorpus() =>
        Directory.GetFiles(CorpusFolder).Order(StringComparer.Ordinal)
            .SelectMany(f => Enumerable.Repeat(File.ReadAllBytes(f), Path.GetFileName(f).StartsWith("hostile-") ? 1 : 4)).ToList();

    public static TheoryData<string> CorpusFiles() =>
        new(Directory.GetFiles(TestPaths.Fixture("fuzz-corpus")).Select(Path.GetFileName).Order(StringComparer.Ordinal)!);

    [Theory]
    [MemberData(nameof(CorpusFiles))]
    public void CorpusInputGivesACompiledScenarioOrErrors(string file)
    {
        int errors = RunGuarded(File.ReadAllBytes(Path.Combine(CorpusFolder, file)), file);
        if (file.StartsWith("valid-") || file is "set-events-empty.yaml" or "set-numbers.yaml" or "set-list-and-map.yaml") Assert.Equal(0, errors);
        if (file.StartsWith("hostile-") || file is "set-bad-values.yaml" or "set-hostile.yaml") Assert.NotEqual(0, errors);
    }

    [Fact]
    public void CorpusHasShippedHostileAndSetInputs()
    {
        var names = Directory.GetFiles(CorpusFolder).Select(Path.GetFileName).ToList();
        Assert.Contains(names, n => n!.StartsWith("valid-"));
        Assert.Contains(names, n => n!.StartsWith("hostile-"));
        Assert.Contains(names, n => n!.StartsWith("set-"));
    }

    [Fact]
    public void MutatedCorpusInputsGiveACompiledScenarioOrErrors()
    {
        var mutator = new FuzzMutator(Seed, WeightedCorpus());
        var sw = Stopwatch.StartNew();
        int compiled = 0;
        for (int i = 0; i < Mutations; i++)
            if (RunGuarded(mutator.Next(), $"mutation {i} of seed {Seed}") == 0) compiled++;
        Console.WriteLine($"{Mutations} mutated inputs in {sw.Elapsed.TotalSeconds:F1} s, {compiled} compiled");
        Assert.InRange(compiled, Mutations / 20, Mutations - 1); // the mutations reach the compiler, and break things
    }

    /// <summary>Runs the target with a time limit; on a failure, saves the input where the message says (to add to the corpus once fixed).</summary>
    static int RunGuarded(byte[] input, string what)
    {
        var task = Task.Run(() => FuzzTarget.Run(input));
        try
        {
            if (task.Wait(PerInput)) return task.Result;
        }
        catch (AggregateException e)
        {
            throw new Xunit.Sdk.XunitException($"{what}: {e.InnerException} (input saved as {Save(input)})");
        }
        throw new Xunit.Sdk.XunitException($"{what}: no result within {PerInput.TotalSeconds} s (input saved as {Save(input)})");
    }

    static string Save(byte[] input)
    {
        var path = Path.Combine(CliProcess.TempDir(), "fuzz-failure.yaml");
        File.WriteAllBytes(path, input);
        return path;
    }
}
