using System.Globalization;
using RareEarth.Engine;

namespace RareEarth.Runner.Batch;

/// <summary>How a batch chooses its runs.</summary>
public enum DesignKind
{
    /// <summary>Plain Monte Carlo over the scenario's uncertain parameters.</summary>
    MonteCarlo,
    /// <summary>Latin hypercube over the scenario's uncertain parameters.</summary>
    LatinHypercube,
    /// <summary>Saltelli design for Sobol indices: N base samples, N·(d+2) runs.</summary>
    Sobol,
    /// <summary>Factorial grid over explicit parameter ranges, with seeded replications per point.</summary>
    Sweep,
}

public static class DesignKinds
{
    public static string Name(DesignKind k) => k switch
    {
        DesignKind.MonteCarlo => "mc",
        DesignKind.LatinHypercube => "lhs",
        DesignKind.Sobol => "sobol",
        _ => "sweep",
    };

    public static DesignKind Parse(string s) => s.Trim().ToLowerInvariant() switch
    {
        "mc" or "montecarlo" or "monte-carlo" => DesignKind.MonteCarlo,
        "lhs" or "latin" => DesignKind.LatinHypercube,
        "sobol" or "saltelli" => DesignKind.Sobol,
        "sweep" or "grid" => DesignKind.Sweep,
        _ => throw new FormatException($"unknown design '{s}'; expected mc, lhs or sobol"),
    };
}

/// <summary>
/// A parameter varied by a batch. For sampled designs the distribution is the scenario's declaration
/// (normal: A = mean, B = sd; lognormal: A = mu, B = sigma; uniform: A = min, B = max;
/// triangular: A = min, B = max, C = mode; beta: A = alpha, B = beta on [C, D]).
/// For a sweep the distribution is "grid": A = from, B = to, C = step, D = number of points.
/// </summary>
public sealed record BatchParameter(string Name, string Distribution, double A, double B, double C, double D, double Nominal);

/// <summary>
/// Everything that defines a batch, fixed before the first run: the resolved scenario, the master seed
/// and the full design (every run's seed and parameter values). Stored in the results store so that a
/// batch can be resumed, and so that run i never depends on the number of threads or on the order in
/// which runs finish.
/// </summary>
public sealed class BatchPlan
{
    public required string Id { get; init; }
    public required string ScenarioName { get; init; }
    /// <summary>The scenario file as given on the command line.</summary>
    public required string ScenarioFile { get; init; }
    /// <summary>The resolved scenario (extends and --set applied) as YAML. Runs are compiled from this text.</summary>
    public required string ScenarioText { get; init; }
    public required string ScenarioHash { get; init; }
    /// <summary>The batch's own --set overrides (already inside <see cref="ScenarioText"/>).</summary>
    public required IReadOnlyList<string> Overrides { get; init; }
    public required int MasterSeed { get; init; }
    public required DesignKind Design { get; init; }
    /// <summary>Sobol: base samples N. Sweep: grid points. Otherwise the number of runs.</summary>
    public required int BaseSamples { get; init; }
    /// <summary>Sweep: replications per grid point. Otherwise 1.</summary>
    public required int Replications { get; init; }
    public required IReadOnlyList<BatchParameter> Parameters { get; init; }
    /// <summary>Parameter values, [run, parameter].</summary>
    public required double[,] Values { get; init; }
    /// <summary>Engine seed of each run.</summary>
    public required int[] Seeds { get; init; }
    /// <summary>Design point of each run: the sweep grid point, the Sobol index row j, or the run itself.</summary>
    public required int[] Points { get; init; }
    public required string EngineVersion { get; init; }
    public required string CommandLine { get; init; }

    public int Runs => Seeds.Length;

    /// <summary>The --set overrides of run <paramref name="run"/>, values in round-trip ("R") format.</summary>
    public List<KeyValuePair<string, string>> OverridesOf(int run)
    {
        var list = new List<KeyValuePair<string, string>>(Parameters.Count);
        for (int k = 0; k < Parameters.Count; k++) list.Add(new(Parameters[k].Name, Format(Values[run, k])));
        return list;
    }

    /// <summary>The command that reproduces run <paramref name="run"/> on its own.</summary>
    public string ReproduceCommand(int run) =>
        $"run {ScenarioFile} --seed {Seeds[run]}" + string.Concat(Overrides.Select(o => $" --set {o}")) +
        string.Concat(OverridesOf(run).Select(kv => $" --set {kv.Key}={kv.Value}"));

    public static string Format(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}

/// <summary>
/// Seeds of a batch, all derived from the master seed with SplitMix64 (the engine's seeding mixer):
/// <c>seed(master, k) = (int)(SplitMix64((uint)master &lt;&lt; 32 | (uint)k) &gt;&gt; 33)</c>, a non-negative int.
/// <list type="bullet">
/// <item>mc, lhs: run i has seed(master, i);</item>
/// <item>sobol (rows A_j = i, B_j = N + j, AB_ij = (2 + i)·N + j): A_j and every AB_ij have seed(master, j), B_j has
/// seed(master, N + j). The seed is treated as one more input that is resampled between A and B but never
/// swapped into AB_i, so f(A) - f(AB_i) measures parameter i alone (common random numbers), and the share of the
/// variance no parameter explains is the engine's own randomness;</item>
/// <item>sweep: replication r of every grid point has seed(master, r) (common random numbers across points);</item>
/// <item>the design's own random stream (MC/LHS/Saltelli) uses seed(master, 2^32 - 1);
/// the Sobol bootstrap in reports uses seed(master, 2^32 - 2).</item>
/// </list>
/// </summary>
public static class BatchSeeds
{
    public const uint DesignStream = uint.MaxValue, BootstrapStream = uint.MaxValue - 1;

    public static int Derive(int master, uint k)
    {
        ulong x = ((ulong)(uint)master << 32) | k;
        ulong z = Rng.SplitMix64(ref x);
        return (int)(z >> 33);
    }

    public static int Design(int master) => Derive(master, DesignStream);
    public static int Bootstrap(int master) => Derive(master, BootstrapStream);
}
