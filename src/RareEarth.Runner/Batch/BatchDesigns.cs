using System.Globalization;
using RareEarth.Analysis;
using RareEarth.Runner.Output;
using RareEarth.Runner.Sampling;
using RareEarth.Scenarios;

namespace RareEarth.Runner.Batch;

/// <summary>One axis of a sweep: <c>path=from:to:step</c>.</summary>
public sealed record SweepAxis(string Path, decimal From, decimal To, decimal Step)
{
    /// <summary>The grid values, computed in decimal so that 0.1 steps give 0.3, not 0.30000000000000004.</summary>
    public double[] Values()
    {
        var list = new List<double>();
        for (int k = 0; k < MaxValues; k++)
        {
            decimal v = From + k * Step; // cannot overflow: Parse checked that the range has at most MaxValues values
            if (Step > 0 ? v > To : v < To) break;
            list.Add((double)v);
        }
        return list.ToArray();
    }

    /// <summary>Most values one axis may have.</summary>
    public const int MaxValues = 100_000;

    /// <summary>
    /// Parses <c>path=from:to:step</c> (step may be omitted for a single value: <c>path=v</c>). Numbers are decimals
    /// (at most ±7.9e28); an axis may have at most <see cref="MaxValues"/> values.
    /// </summary>
    public static SweepAxis Parse(string text)
    {
        int eq = text.IndexOf('=');
        if (eq <= 0) throw new FormatException($"--param '{text}': expected path=from:to:step, e.g. countries.JP.hoarding_gain=1:3:0.5");
        var path = text[..eq].Trim();
        var parts = text[(eq + 1)..].Split(':');
        static decimal Num(string s, string whole) =>
            decimal.TryParse(s.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d
                : double.TryParse(s.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out _)
                    ? throw new FormatException($"--param '{whole}': '{s}' is out of range; sweep values are at most ±7.9e28")
                    : throw new FormatException($"--param '{whole}': '{s}' is not a number");
        if (parts.Length == 1) { var v = Num(parts[0], text); return new SweepAxis(path, v, v, 1); }
        if (parts.Length != 3) throw new FormatException($"--param '{text}': expected path=from:to:step");
        var (from, to, step) = (Num(parts[0], text), Num(parts[1], text), Num(parts[2], text));
        if (step == 0) throw new FormatException($"--param '{text}': step must be non-zero");
        decimal count;
        try { count = decimal.Floor((to - from) / step) + 1; }
        catch (OverflowException) { throw new FormatException($"--param '{text}': the range {from} to {to} in steps of {step} has too many values (at most {MaxValues:N0})"); }
        if (count < 1) throw new FormatException($"--param '{text}': step must point from 'from' towards 'to'");
        if (count > MaxValues) throw new FormatException($"--param '{text}': {count:N0} values; an axis may have at most {MaxValues:N0}");
        return new SweepAxis(path, from, to, step);
    }
}

/// <summary>Builds batch plans: sampled designs (mc, lhs, sobol) over declared uncertain parameters, and sweeps.</summary>
public static class BatchDesigns
{
    /// <summary>
    /// Most runs in one batch (sobol: N·(d+2); sweep: grid points × replications). The whole design is planned and
    /// stored before the first run: for 1,000,000 runs of controls-2025 that took 36 s and a 190 MB store on a busy
    /// 2-core machine, and running them would take about a day there; 10,000,000 would take minutes and gigabytes
    /// just to plan.
    /// </summary>
    public const int MaxRuns = 1_000_000;

    /// <summary>
    /// A sampled design over the scenario's uncertain parameters. mc and lhs: <paramref name="n"/> runs;
    /// sobol: the Saltelli design with <paramref name="n"/> base samples, n·(d+2) runs.
    /// Unit-hypercube points come from <see cref="Sampling"/> seeded with <see cref="BatchSeeds.Design"/> and are
    /// mapped through each parameter's quantile function (<see cref="UncertainSampler.FromUnit"/>).
    /// </summary>
    public static BatchPlan Sampled(BatchScenario scenario, DesignKind design, int n, int masterSeed, string commandLine)
    {
        if (n < 1) throw new ArgumentOutOfRangeException(nameof(n), "--runs must be at least 1");
        if (n > MaxRuns) throw new ArgumentException($"--runs {n:N0}: a batch may have at most {MaxRuns:N0} runs");
        var uncertain = scenario.Nominal.Uncertain;
        int d = uncertain.Count;
        int designSeed = BatchSeeds.Design(masterSeed);
        double[,] unit;
        switch (design)
        {
            case DesignKind.MonteCarlo:
                unit = d == 0 ? new double[n, 0] : RareEarth.Analysis.Sampling.MonteCarlo(n, d, designSeed);
                break;
            case DesignKind.LatinHypercube:
                unit = d == 0 ? new double[n, 0] : RareEarth.Analysis.Sampling.LatinHypercube(n, d, designSeed);
                break;
            case DesignKind.Sobol:
                if (d == 0) throw new InvalidOperationException("a sobol design needs uncertain parameters; the scenario declares none (add an 'uncertain:' section)");
                if ((long)n * (d + 2) > MaxRuns) throw new ArgumentException($"--runs {n:N0} with {d} parameters: N·(d+2) = {(long)n * (d + 2):N0} runs; a batch may have at most {MaxRuns:N0} runs");
                unit = Sobol.Create(n, d, designSeed).Rows;
                break;
            default:
                throw new ArgumentException("use Sweep() for sweeps", nameof(design));
        }
        int runs = unit.GetLength(0);
        var values = new double[runs, d];
        var seeds = new int[runs];
        var points = new int[runs];
        var row = new double[d];
        for (int i = 0; i < runs; i++)
        {
            for (int k = 0; k < d; k++) row[k] = unit[i, k];
            var kv = UncertainSampler.FromUnit(uncertain, row);
            for (int k = 0; k < d; k++) values[i, k] = double.Parse(kv[k].Value, CultureInfo.InvariantCulture);
            points[i] = design == DesignKind.Sobol ? i % n : i;
            seeds[i] = BatchSeeds.Derive(masterSeed, (uint)(design == DesignKind.Sobol && i / n == 1 ? n + i % n : points[i]));
        }
        var parameters = uncertain.Select(p => new BatchParameter(p.Path, p.Distribution, p.A, p.B, p.C, p.D, p.Nominal)).ToList();
        return Plan(scenario, design, masterSeed, design == DesignKind.Sobol ? n : runs, 1, parameters, values, seeds, points, commandLine);
    }

    /// <summary>
    /// A full factorial grid over <paramref name="axes"/> (the last axis varies fastest) with
    /// <paramref name="replications"/> runs per point. Run index = point · R + r; replication r has seed(master, r) at every point.
    /// </summary>
    public static BatchPlan Sweep(BatchScenario scenario, IReadOnlyList<SweepAxis> axes, int replications, int masterSeed, string commandLine)
    {
        if (axes.Count == 0) throw new ArgumentException("a sweep needs at least one --param path=from:to:step");
        if (replications < 1) throw new ArgumentOutOfRangeException(nameof(replications), "--runs-per-point must be at least 1");
        if (axes.Select(a => a.Path).Distinct().Count() != axes.Count) throw new ArgumentException("each --param path may appear only once");
        var grids = axes.Select(a => a.Values()).ToArray();
        double total = grids.Aggregate((double)replications, (p, g) => p * g.Length);
        if (total > MaxRuns)
            throw new ArgumentException($"{string.Join(" x ", grids.Select(g => g.Length.ToString("N0", CultureInfo.InvariantCulture)))} grid values x {replications:N0} replications = {total:N0} runs; a batch may have at most {MaxRuns:N0} runs");
        long points = grids.Aggregate(1L, (p, g) => p * g.Length);
        int d = axes.Count, runs = (int)(points * replications);
        var values = new double[runs, d];
        var seeds = new int[runs];
        var pointOf = new int[runs];
        var idx = new int[d];
        for (int p = 0; p < points; p++)
        {
            long rest = p;
            for (int k = d - 1; k >= 0; k--) { idx[k] = (int)(rest % grids[k].Length); rest /= grids[k].Length; }
            for (int r = 0; r < replications; r++)
            {
                int i = p * replications + r;
                for (int k = 0; k < d; k++) values[i, k] = grids[k][idx[k]];
                seeds[i] = BatchSeeds.Derive(masterSeed, (uint)r);
                pointOf[i] = p;
            }
        }
        var parameters = new List<BatchParameter>();
        for (int k = 0; k < d; k++)
        {
            var node = ScenarioCompiler.Resolve(scenario.Document.Root, axes[k].Path);
            double nominal = node?.Value is { } v && double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var x) ? x : double.NaN;
            parameters.Add(new BatchParameter(axes[k].Path, "grid", (double)axes[k].From, (double)axes[k].To, (double)axes[k].Step, grids[k].Length, nominal));
        }
        return Plan(scenario, DesignKind.Sweep, masterSeed, (int)points, replications, parameters, values, seeds, pointOf, commandLine);
    }

    static BatchPlan Plan(BatchScenario s, DesignKind design, int masterSeed, int baseSamples, int replications,
        List<BatchParameter> parameters, double[,] values, int[] seeds, int[] points, string commandLine) => new()
    {
        Id = Guid.NewGuid().ToString("N"),
        ScenarioName = s.Nominal.Name,
        ScenarioFile = s.File,
        ScenarioText = s.Text,
        ScenarioHash = s.Hash,
        Overrides = s.Overrides,
        MasterSeed = masterSeed,
        Design = design,
        BaseSamples = baseSamples,
        Replications = replications,
        Parameters = parameters,
        Values = values,
        Seeds = seeds,
        Points = points,
        EngineVersion = EngineInfo.Version,
        CommandLine = commandLine,
    };
}
