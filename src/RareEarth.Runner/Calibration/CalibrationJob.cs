using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using RareEarth.Analysis;
using RareEarth.Runner.Batch;
using RareEarth.Runner.Output;
using RareEarth.Runner.Sampling;
using RareEarth.Runner.Store;
using RareEarth.Scenarios;
using MN = MathNet.Numerics.Distributions;

namespace RareEarth.Runner.Calibration;

/// <summary>What a calibration is asked to do (the command's options).</summary>
public sealed record CalibrationSettings(int Particles, int Generations, int MasterSeed)
{
    public const int MaxParticles = 100_000, MaxGenerations = 50;
}

/// <summary>One batch of a calibration: a generation of ABC-SMC, or a predictive batch (posterior, hand-set).</summary>
public sealed class CalibrationStep
{
    public required string Name { get; init; }
    public required BatchPlan Plan { get; init; }
    /// <summary>Generation index, or -1 for a predictive batch.</summary>
    public required int Generation { get; init; }
    /// <summary>Generation steps: the proposals in the prior's standard-normal space.</summary>
    public double[][]? Proposals { get; init; }
    public string StorePath(string dir, BatchShard? shard = null) =>
        Path.Combine(dir, shard is null ? $"{Name}.duckdb" : $"{Name}.shard{shard.Index}of{shard.Count}.duckdb");
}

/// <summary>
/// A calibration in its folder: ABC-SMC generations (<see cref="AbcSmc"/>), each a batch into its own results store
/// (<c>gen-00.duckdb</c>, ...), the accepted particles of each generation (<c>population-00.json</c>, ...), then two
/// predictive batches over the same targets: <c>posterior.duckdb</c> (particles drawn by weight from the last
/// generation, fresh seeds) and <c>handset.duckdb</c> (the scenario's own values, the same seeds). Every step is
/// planned deterministically from the master seed and the previous generation, so running the same command again
/// resumes where a kill stopped it (a step's store keeps its committed runs), and shards (<c>--shard k/n</c>) of a step
/// plan the same runs. <c>calibration.json</c> records what the folder was made for; a different scenario, targets
/// file, seed or particle count is refused.
/// </summary>
public sealed class CalibrationJob
{
    public const string ManifestName = "calibration.json";
    /// <summary>Streams of the master seed: generation g uses Derive(master, GenerationStream + g).</summary>
    const uint GenerationStream = 0xCA1B0000u, PosteriorStream = 0xCA1BFFF0u, HandsetStream = 0xCA1BFFF1u;

    public required string Dir { get; init; }
    public required BatchScenario Scenario { get; init; }
    public required CalibrationSetup Setup { get; init; }
    public required CalibrationSettings Settings { get; init; }
    public required string CommandLine { get; init; }
    public IReadOnlyList<UncertainParameter> Uncertain => Scenario.Nominal.Uncertain;
    /// <summary>Proposals run per generation: particles / the targets' acceptance quantile.</summary>
    public int Proposals => (int)Math.Ceiling(Settings.Particles / Setup.Targets.Quantile);

    /// <summary>Opens (or starts) the calibration in <paramref name="dir"/>; throws <see cref="InvalidDataException"/> if the folder holds another one.</summary>
    public static CalibrationJob Open(string dir, BatchScenario scenario, TargetsFile targets, CalibrationSettings settings, string commandLine)
    {
        if (scenario.Nominal.Uncertain.Count == 0)
            throw new InvalidOperationException($"{scenario.File} declares no uncertain: parameters; calibrate fits those (their distributions are the priors)");
        var setup = CalibrationSetup.Bind(targets, scenario.Nominal);
        var job = new CalibrationJob { Dir = dir, Scenario = scenario, Setup = setup, Settings = settings, CommandLine = commandLine };
        var manifest = new JsonObject
        {
            ["scenario"] = scenario.File, ["scenario_hash"] = scenario.Hash, ["targets"] = targets.Path, ["targets_hash"] = targets.Hash,
            ["particles"] = settings.Particles, ["generations"] = settings.Generations, ["seed"] = settings.MasterSeed,
            ["engine_version"] = EngineInfo.Version, ["parameters"] = new JsonArray(scenario.Nominal.Uncertain.Select(p => (JsonNode)p.Path).ToArray()),
        };
        var path = Path.Combine(dir, ManifestName);
        if (File.Exists(path))
        {
            var old = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
            foreach (var key in new[] { "scenario_hash", "targets_hash", "particles", "generations", "seed", "engine_version" })
                if (old[key]?.ToJsonString() != manifest[key]?.ToJsonString())
                    throw new InvalidDataException($"{dir} holds a calibration with another {key.Replace('_', ' ')} ({old[key]?.ToJsonString()}, now {manifest[key]?.ToJsonString()}); " +
                                                   "resume it with the same scenario, targets, --particles, --generations and --seed, or choose another --out");
        }
        else
        {
            if (Directory.Exists(dir) && Directory.EnumerateFileSystemEntries(dir).Any())
                throw new InvalidDataException($"{dir} is not empty and holds no {ManifestName}; calibrate writes into a new folder (or resumes its own)");
            Directory.CreateDirectory(dir);
            WriteAtomically(path, manifest.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        }
        return job;
    }

    // ------------------------------------------------------------------ steps

    static string GenerationName(int g) => $"gen-{g:00}";
    string PopulationPath(int g) => Path.Combine(Dir, $"population-{g:00}.json");

    /// <summary>The accepted particles of generation g, or null if it is not complete.</summary>
    public PopulationFile? Population(int g) => File.Exists(PopulationPath(g)) ? PopulationFile.Read(PopulationPath(g)) : null;

    /// <summary>Every step in order: the generations, then the posterior and hand-set predictive batches.</summary>
    public IEnumerable<string> StepNames() =>
        Enumerable.Range(0, Settings.Generations).Select(GenerationName).Concat(new[] { "posterior", "handset" });

    /// <summary>The first step not yet complete, planned; null when the calibration is done.</summary>
    public CalibrationStep? NextStep()
    {
        for (int g = 0; g < Settings.Generations; g++)
            if (Population(g) is null) return PlanGeneration(g);
        foreach (var name in new[] { "posterior", "handset" })
            if (!IsFinished(Path.Combine(Dir, name + ".duckdb"))) return PlanPredictive(name);
        return null;
    }

    CalibrationStep PlanGeneration(int g)
    {
        int seed = BatchSeeds.Derive(Settings.MasterSeed, GenerationStream + (uint)g);
        int d = Uncertain.Count, n = Proposals;
        var z = g == 0 ? AbcSmc.PriorProposals(n, d, BatchSeeds.Design(seed)) : AbcSmc.Perturb(Population(g - 1)!.ToPopulation(), n, BatchSeeds.Design(seed));
        var values = new double[n, d];
        for (int i = 0; i < n; i++)
        {
            var theta = Theta(z[i]);
            for (int k = 0; k < d; k++) values[i, k] = theta[k];
        }
        var seeds = Enumerable.Range(0, n).Select(i => BatchSeeds.Derive(seed, (uint)i)).ToArray();
        return new CalibrationStep { Name = GenerationName(g), Generation = g, Proposals = z, Plan = Plan(GenerationName(g), seed, values, seeds, Parameters()) };
    }

    CalibrationStep PlanPredictive(string name)
    {
        var last = Population(Settings.Generations - 1)!;
        int n = Settings.Particles;
        int seed = BatchSeeds.Derive(Settings.MasterSeed, name == "posterior" ? PosteriorStream : HandsetStream);
        // both predictive batches use the same engine seeds, so they differ only by the parameter values
        var seeds = Enumerable.Range(0, n).Select(i => BatchSeeds.Derive(BatchSeeds.Derive(Settings.MasterSeed, PosteriorStream), (uint)i)).ToArray();
        if (name == "handset")
            return new CalibrationStep { Name = name, Generation = -1, Plan = Plan(name, seed, new double[n, 0], seeds, new List<BatchParameter>()) };
        var pick = WeightedStats.Resample(last.Weights, n, BatchSeeds.Design(seed));
        var values = new double[n, Uncertain.Count];
        for (int i = 0; i < n; i++)
            for (int k = 0; k < Uncertain.Count; k++) values[i, k] = last.Theta[pick[i]][k];
        return new CalibrationStep { Name = name, Generation = -1, Plan = Plan(name, seed, values, seeds, Parameters()) };
    }

    List<BatchParameter> Parameters() => Uncertain.Select(p => new BatchParameter(p.Path, p.Distribution, p.A, p.B, p.C, p.D, p.Nominal)).ToList();

    /// <summary>Parameter values of a particle: z → u = Φ(z) → each prior's quantile (as a batch maps its design).</summary>
    public double[] Theta(double[] z)
    {
        var unit = z.Select(x => MN.Normal.CDF(0, 1, x)).ToArray();
        return UncertainSampler.FromUnit(Uncertain, unit).Select(kv => double.Parse(kv.Value, CultureInfo.InvariantCulture)).ToArray();
    }

    BatchPlan Plan(string name, int seed, double[,] values, int[] seeds, List<BatchParameter> parameters) => new()
    {
        Id = $"calibration-{Setup.Targets.Hash}-{Settings.MasterSeed}-{name}",
        ScenarioName = Scenario.Nominal.Name, ScenarioFile = Scenario.File, ScenarioText = Scenario.Text, ScenarioHash = Scenario.Hash,
        Overrides = Scenario.Overrides, MasterSeed = seed, Design = DesignKind.MonteCarlo, BaseSamples = seeds.Length, Replications = 1,
        Parameters = parameters, Values = values, Seeds = seeds, Points = Enumerable.Range(0, seeds.Length).ToArray(),
        EngineVersion = EngineInfo.Version, CommandLine = CommandLine,
    };

    // ------------------------------------------------------------------ stores

    /// <summary>
    /// Opens the step's store (or a shard's), creating it if new. Without a shard, the complete stores of every shard
    /// of the step (<c>NAME.shardKofN.duckdb</c>) are first merged into it.
    /// </summary>
    public BatchStore OpenStore(CalibrationStep step, BatchShard? shard)
    {
        var path = step.StorePath(Dir, shard);
        if (shard is null && !File.Exists(path)) MergeShards(step, path);
        if (!File.Exists(path)) return BatchStore.Create(path, step.Plan, Setup.Layout, shard);
        var store = BatchStore.Open(path);
        try
        {
            var stored = store.ReadPlan();
            if (!SameRuns(stored, step.Plan))
                throw new InvalidDataException($"{path} holds other runs than this calibration plans for {step.Name} (made by another version or settings); move it away to run the step again");
            store.Attach(Setup.Layout);
            return store;
        }
        catch { store.Dispose(); throw; }
    }

    static bool SameRuns(BatchPlan a, BatchPlan b)
    {
        if (a.Runs != b.Runs || a.Parameters.Count != b.Parameters.Count || !a.Seeds.SequenceEqual(b.Seeds) || a.ScenarioHash != b.ScenarioHash) return false;
        for (int i = 0; i < a.Runs; i++)
            for (int k = 0; k < a.Parameters.Count; k++)
                if (a.Values[i, k] != b.Values[i, k]) return false;
        return true;
    }

    void MergeShards(CalibrationStep step, string path)
    {
        var shards = Directory.EnumerateFiles(Dir, $"{step.Name}.shard*of*.duckdb").Order(StringComparer.Ordinal).ToList();
        if (shards.Count == 0) return;
        int count = -1;
        var done = new HashSet<int>();
        foreach (var s in shards)
        {
            using var store = BatchStore.Open(s, readOnly: true);
            var shard = store.ReadShard() ?? throw new InvalidDataException($"{s} is not a shard store");
            if (count >= 0 && shard.Count != count) throw new InvalidDataException($"{Dir} holds shards of {step.Name} split {count} and {shard.Count} ways; keep one split");
            count = shard.Count;
            if (store.CompletedRuns().Count == shard.RunsIn(step.Plan)) done.Add(shard.Index);
        }
        var missing = Enumerable.Range(0, count).Where(k => !done.Contains(k)).ToList();
        if (missing.Count > 0)
            throw new IncompleteBatchException(missing, count, $"{step.Name}: shards {string.Join(", ", missing.Select(k => $"{k}/{count}"))} are missing or incomplete; run calibrate with --shard for each, then again without --shard");
        using var merged = BatchStore.Create(path, step.Plan, Setup.Layout);
        foreach (var s in shards) merged.ImportRuns(s);
        merged.Finish();
    }

    static bool IsFinished(string path)
    {
        if (!File.Exists(path)) return false;
        using var s = BatchStore.Open(path, readOnly: true);
        return s.Scalar<long>("SELECT count(*) FROM batch WHERE finished_at IS NOT NULL") == 1;
    }

    /// <summary>After a generation's batch is complete: accepts and weights its particles and writes population-GG.json.</summary>
    public PopulationFile CompleteGeneration(CalibrationStep step, BatchStore store)
    {
        var distances = Enumerable.Repeat(double.NaN, step.Plan.Runs).ToArray();
        foreach (var row in store.Rows("SELECT run_index, distance FROM runs WHERE status = 'ok'"))
            distances[(int)row[0]!] = row[1] as double? ?? double.NaN;
        var previous = step.Generation > 0 ? Population(step.Generation - 1)!.ToPopulation() : null;
        var pop = AbcSmc.Accept(step.Proposals!, distances, Setup.Targets.Quantile, previous);
        var index = Enumerable.Range(0, step.Proposals!.Length).Where(i => double.IsFinite(distances[i]) && distances[i] <= pop.Epsilon).ToArray();
        var file = new PopulationFile
        {
            Generation = step.Generation, Epsilon = pop.Epsilon, Proposed = pop.Proposed, Failed = distances.Count(double.IsNaN),
            Runs = index, Z = pop.Z, Theta = pop.Z.Select(Theta).ToArray(), Weights = pop.Weights, Distances = pop.Distances,
            Parameters = Uncertain.Select(p => p.Path).ToArray(),
        };
        WriteAtomically(PopulationPath(step.Generation), file.ToJson());
        return file;
    }

    internal static void WriteAtomically(string path, string text)
    {
        var tmp = path + ".tmp";
        File.WriteAllText(tmp, text);
        File.Move(tmp, path, overwrite: true);
    }
}

/// <summary>A generation's accepted particles as written to <c>population-GG.json</c>.</summary>
public sealed class PopulationFile
{
    public required int Generation { get; init; }
    public required double Epsilon { get; init; }
    public required int Proposed { get; init; }
    public required int Failed { get; init; }
    public required string[] Parameters { get; init; }
    /// <summary>Run index of each particle in the generation's store.</summary>
    public required int[] Runs { get; init; }
    public required double[][] Z { get; init; }
    public required double[][] Theta { get; init; }
    public required double[] Weights { get; init; }
    public required double[] Distances { get; init; }

    public double EffectiveSampleSize => 1 / Weights.Sum(w => w * w);

    public AbcPopulation ToPopulation() => new() { Z = Z, Weights = Weights, Distances = Distances, Epsilon = Epsilon, Proposed = Proposed };

    public string ToJson() => JsonSerializer.Serialize(this, Options);

    public static PopulationFile Read(string path) =>
        JsonSerializer.Deserialize<PopulationFile>(File.ReadAllText(path), Options) ?? throw new InvalidDataException($"{path}: empty population file");

    static readonly JsonSerializerOptions Options = new() { WriteIndented = false, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };
}
