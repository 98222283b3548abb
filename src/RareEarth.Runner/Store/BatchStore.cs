using System.Data;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using DuckDB.NET.Data;
using RareEarth.Analysis;
using RareEarth.Runner.Batch;
using RareEarth.Runner.Output;

namespace RareEarth.Runner.Store;

/// <summary>
/// The results store of one batch: a DuckDB file. Schema (docs/results.md):
/// <list type="bullet">
/// <item><c>batch</c>: one row - id, scenario (name, file, resolved text, hash), master seed, design, runs planned,
/// engine version, started_at, finished_at, command line, calendar;</item>
/// <item><c>sessions</c>: one row per invocation (first start and every resume) with its thread count and runs done;</item>
/// <item><c>parameters</c>: the varied parameters and their distributions (or sweep grids);</item>
/// <item><c>design</c>: every planned run - run_index, seed, design point, the command that reproduces it alone;</item>
/// <item><c>run_parameters</c>: long table (run_index, name, value) of every planned run's parameter values;</item>
/// <item><c>runs</c>: one row per finished run - run_index, seed, status ok/failed, error, one DOUBLE column per
/// summary metric (described in <c>metrics</c>), then the timing columns elapsed_ms, compile_ms, finished_at;</item>
/// <item><c>series_keys</c> + <c>series_values</c> (run_index, series_id, monthly DOUBLE[] with one value per month rounded to 4 significant digits, NaN where undefined): the monthly series,
/// read through the view <c>series</c> (run_index, month DATE, metric, material, country, value);</item>
/// <item><c>quantiles</c>: per month and series, n, mean and p05/p25/p50/p75/p95 (type 7) over the ok runs,
/// computed when the batch completes;</item>
/// <item>view <c>runs_wide</c>: runs with one column per parameter (quoted names, e.g. "events.0.approval").</item>
/// </list>
/// Runs are appended by one writer, in transactions that hold whole runs (their row and their series), so a
/// killed batch leaves only complete runs behind; run_index is the primary key, so no run is stored twice.
/// </summary>
public sealed class BatchStore : IDisposable
{
    public const int SchemaVersion = 1;
    /// <summary>
    /// DuckDB's memory limit while writing: its buffer pool would otherwise keep up to 80% of RAM of already
    /// written blocks cached. Quantiles are computed a few series at a time for the same reason.
    /// </summary>
    public const string MemoryLimit = "256MB";
    /// <summary>
    /// The quantiles table is computed here rather than by DuckDB's quantile_cont, which took 7.7 s and 940 MB for
    /// 10,000 runs of controls-2025 (49 M values in 4,896 groups). The series are read a chunk of series at a time,
    /// at most this many values (64 MB) per chunk, and each month's values are sorted on all cores: 3.2 s and
    /// 460 MB peak for the same store (7 chunks of 5 series).
    /// </summary>
    const long QuantileValuesPerChunk = 8_000_000;
    /// <summary>
    /// Write-ahead log size that triggers a checkpoint. DuckDB's default (16 MB) checkpoints every ~1,000 runs and
    /// each checkpoint rewrites the table's last row groups: measured on 10,000 runs of controls-2025, 17.0 KB per run
    /// on disk (28% free blocks) and 18.5 s of writer time; with 128 MB, 12.5 KB per run and 11 s. A killed batch
    /// replays at most this much log when reopened.
    /// </summary>
    public const string CheckpointThreshold = "128MB";
    readonly DuckDBConnection _c;
    BatchLayout? _layout;
    int _session;

    public string Path { get; }

    /// <summary>The open connection, for <see cref="ConfinedQuery"/>.</summary>
    internal DuckDBConnection Connection => _c;

    BatchStore(string path, bool readOnly)
    {
        Path = System.IO.Path.GetFullPath(path);
        // built, not concatenated: a file name may hold ';' or '='
        var cs = new DuckDBConnectionStringBuilder { DataSource = Path };
        if (readOnly) cs["ACCESS_MODE"] = "READ_ONLY";
        _c = new DuckDBConnection(cs.ConnectionString);
        _c.Open();
    }

    public void Dispose() => _c.Dispose();

    /// <summary>
    /// Creates a new store with the batch's metadata, parameters and full design (a shard's store too: the
    /// <c>shard</c> table says which part it holds). Fails if the file exists. The store is built under a temporary
    /// name next to it (<c>.NAME.rareearth-creating-PID</c>) and renamed into place once the schema and the plan are
    /// committed, so a batch killed while its store is created leaves no store behind (the next create of the same
    /// store removes the temporary file).
    /// </summary>
    public static BatchStore Create(string path, BatchPlan plan, BatchLayout layout, BatchShard? shard = null)
    {
        var full = System.IO.Path.GetFullPath(path);
        if (Directory.Exists(full)) throw new IOException($"{path} is a folder; --out names the store file to create, e.g. {System.IO.Path.Combine(path, "batch.duckdb")}");
        if (File.Exists(full)) throw new IOException($"{path} already exists; resume it with --resume {path}, or choose another --out");
        var dir = System.IO.Path.GetDirectoryName(full)!;
        var name = System.IO.Path.GetFileName(full);
        if (name.Length == 0) throw new IOException($"{path} names a folder; --out names the store file to create");
        Directory.CreateDirectory(dir);
        RemoveAbandonedCreations(dir, name);
        var temp = System.IO.Path.Combine(dir, $".{name}{CreatingTag}{Environment.ProcessId}");
        DeleteStoreFiles(temp);
        try
        {
            using (var s = new BatchStore(temp, readOnly: false))
            {
                s.CreateSchema(plan, layout);
                if (shard is not null)
                    s.Exec($"CREATE TABLE shard (shard_index INTEGER, shard_count INTEGER); INSERT INTO shard VALUES ({shard.Index}, {shard.Count})");
                s.Exec("CHECKPOINT");
            }
            if (File.Exists(temp + ".wal")) throw new IOException($"{temp}: the new store kept a write-ahead log after its checkpoint");
            File.Move(temp, full); // fails if a store of that name appeared meanwhile
        }
        catch
        {
            DeleteStoreFiles(temp);
            throw;
        }
        var store = new BatchStore(full, readOnly: false);
        store._layout = layout;
        return store;
    }

    const string CreatingTag = ".rareearth-creating-";

    static void DeleteStoreFiles(string path)
    {
        File.Delete(path);
        File.Delete(path + ".wal");
    }

    /// <summary>Removes stores whose creation was killed: <c>.NAME.rareearth-creating-PID</c> files of processes that are gone.</summary>
    static void RemoveAbandonedCreations(string dir, string name)
    {
        foreach (var f in Directory.EnumerateFiles(dir, $".{name}{CreatingTag}*"))
        {
            var pid = System.IO.Path.GetFileName(f)[(name.Length + 1 + CreatingTag.Length)..].Replace(".wal", "");
            if (pid.Length is 0 or > 10 || !pid.All(char.IsAsciiDigit)) continue;
            if (int.Parse(pid, CultureInfo.InvariantCulture) != Environment.ProcessId && Alive(int.Parse(pid, CultureInfo.InvariantCulture))) continue;
            File.Delete(f);
        }
    }

    static bool Alive(int pid)
    {
        try { using var p = System.Diagnostics.Process.GetProcessById(pid); return !p.HasExited; }
        catch (ArgumentException) { return false; }
        catch (InvalidOperationException) { return false; }
    }

    /// <summary>Opens an existing store (read-only for report and export).</summary>
    public static BatchStore Open(string path, bool readOnly = false)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such results store", path);
        var s = new BatchStore(path, readOnly);
        try
        {
            if (s.Scalar<long>("SELECT count(*) FROM information_schema.tables WHERE table_name = 'batch'") == 0 ||
                s.Scalar<long>("SELECT count(*) FROM batch") != 1)
                throw new InvalidDataException($"{path} is not a batch results store (a DuckDB file without its batch table; an older version left such a file when killed while creating a store: delete it and start the batch again)");
        }
        catch { s.Dispose(); throw; }
        return s;
    }

    void CreateSchema(BatchPlan plan, BatchLayout layout)
    {
        Exec("SET threads = 1");
        Exec($"SET memory_limit = '{MemoryLimit}'");
        using var tx = _c.BeginTransaction();
        var start = new DateOnly(layout.StartYear, layout.StartMonth, 1);
        Exec($"""
            CREATE TABLE batch (
              id VARCHAR, scenario_name VARCHAR, scenario_file VARCHAR, scenario_text VARCHAR, scenario_hash VARCHAR,
              overrides VARCHAR, master_seed INTEGER, design VARCHAR, base_samples INTEGER, replications INTEGER,
              runs_planned INTEGER, engine_version VARCHAR, started_at TIMESTAMP, finished_at TIMESTAMP, command_line VARCHAR,
              start_month DATE, months INTEGER, shock_month DATE, schema_version INTEGER);
            CREATE TABLE sessions (session INTEGER PRIMARY KEY, started_at TIMESTAMP, finished_at TIMESTAMP, threads INTEGER,
              runs_to_do INTEGER, runs_done INTEGER, complete BOOLEAN, command_line VARCHAR);
            CREATE TABLE parameters (param_index INTEGER PRIMARY KEY, name VARCHAR, distribution VARCHAR,
              a DOUBLE, b DOUBLE, c DOUBLE, d DOUBLE, nominal DOUBLE);
            CREATE TABLE design (run_index INTEGER PRIMARY KEY, seed INTEGER, point INTEGER, reproduce VARCHAR);
            CREATE TABLE run_parameters (run_index INTEGER, name VARCHAR, value DOUBLE);
            CREATE TABLE metrics (name VARCHAR PRIMARY KEY, kind VARCHAR, material VARCHAR, country VARCHAR, unit VARCHAR, description VARCHAR); -- country: the price region for price metrics
            CREATE TABLE runs (run_index INTEGER PRIMARY KEY, seed INTEGER, status VARCHAR, error VARCHAR,
              {string.Join(", ", layout.Metrics.Select(m => $"{Q(m.Name)} DOUBLE"))}{(layout.Metrics.Count > 0 ? "," : "")}
              elapsed_ms DOUBLE, compile_ms DOUBLE, finished_at TIMESTAMP);
            CREATE TABLE series_keys (series_id SMALLINT PRIMARY KEY, metric VARCHAR, material VARCHAR, country VARCHAR, unit VARCHAR);
            CREATE TABLE series_values (run_index INTEGER, series_id SMALLINT, monthly DOUBLE[]);
            CREATE TABLE quantiles (month DATE, metric VARCHAR, material VARCHAR, country VARCHAR, n INTEGER, mean DOUBLE,
              p05 DOUBLE, p25 DOUBLE, p50 DOUBLE, p75 DOUBLE, p95 DOUBLE);
            CREATE VIEW series_points AS
              SELECT run_index, series_id, month, value FROM (
                SELECT run_index, series_id, unnest(monthly) AS value, generate_subscripts(monthly, 1) - 1 AS month FROM series_values)
              WHERE NOT isnan(value);
            CREATE VIEW series AS
              SELECT p.run_index, (DATE '{start:yyyy-MM-dd}' + to_months(p.month))::DATE AS month, k.metric, k.material, k.country, p.value
              FROM series_points p JOIN series_keys k USING (series_id);
            """);
        var pivot = plan.Parameters.Count == 0 ? "SELECT * FROM runs" :
            "SELECT r.*, " + string.Join(", ", plan.Parameters.Select(p => "p." + Q(p.Name))) +
            " FROM runs r LEFT JOIN (SELECT run_index, " +
            string.Join(", ", plan.Parameters.Select(p => $"max(value) FILTER (WHERE name = {S(p.Name)}) AS {Q(p.Name)}")) +
            " FROM run_parameters GROUP BY run_index) p ON r.run_index = p.run_index";
        Exec($"CREATE VIEW runs_wide AS {pivot}");

        using (var cmd = Command("""
            INSERT INTO batch VALUES ($id, $name, $file, $text, $hash, $overrides, $seed, $design, $base, $reps, $runs, $engine,
              $now, NULL, $cmd, $start, $months, $shock, $schema)
            """))
        {
            Add(cmd, "id", plan.Id); Add(cmd, "name", plan.ScenarioName); Add(cmd, "file", plan.ScenarioFile);
            Add(cmd, "text", plan.ScenarioText); Add(cmd, "hash", plan.ScenarioHash); Add(cmd, "overrides", string.Join("\n", plan.Overrides));
            Add(cmd, "seed", plan.MasterSeed); Add(cmd, "design", DesignKinds.Name(plan.Design)); Add(cmd, "base", plan.BaseSamples);
            Add(cmd, "reps", plan.Replications); Add(cmd, "runs", plan.Runs); Add(cmd, "engine", plan.EngineVersion); Add(cmd, "cmd", plan.CommandLine); Add(cmd, "now", DateTime.UtcNow);
            Add(cmd, "start", start); Add(cmd, "months", layout.Months);
            Add(cmd, "shock", layout.ShockMonth >= 0 ? start.AddMonths(layout.ShockMonth) : (DateOnly?)null);
            Add(cmd, "schema", SchemaVersion);
            cmd.ExecuteNonQuery();
        }
        using (var a = _c.CreateAppender("parameters"))
            for (int k = 0; k < plan.Parameters.Count; k++)
            {
                var p = plan.Parameters[k];
                a.CreateRow().AppendValue(k).AppendValue(p.Name).AppendValue(p.Distribution).AppendValue(p.A).AppendValue(p.B)
                    .AppendValue(p.C).AppendValue(p.D).AppendValue(Null(p.Nominal)).EndRow();
            }
        using (var a = _c.CreateAppender("design"))
            for (int i = 0; i < plan.Runs; i++)
                a.CreateRow().AppendValue(i).AppendValue(plan.Seeds[i]).AppendValue(plan.Points[i]).AppendValue(plan.ReproduceCommand(i)).EndRow();
        using (var a = _c.CreateAppender("run_parameters"))
            for (int i = 0; i < plan.Runs; i++)
                for (int k = 0; k < plan.Parameters.Count; k++)
                    a.CreateRow().AppendValue(i).AppendValue(plan.Parameters[k].Name).AppendValue(plan.Values[i, k]).EndRow();
        using (var a = _c.CreateAppender("metrics"))
            foreach (var m in layout.Metrics)
                a.CreateRow().AppendValue(m.Name).AppendValue(m.Kind.ToString()).AppendValue(m.Material >= 0 ? layout.MaterialIds[m.Material] : null)
                    .AppendValue(m.Country >= 0 ? layout.CountryIds[m.Country] : m.Region >= 0 ? layout.RegionIds[m.Region] : null)
                    .AppendValue(m.Unit).AppendValue(m.Description).EndRow();
        using (var a = _c.CreateAppender("series_keys"))
            foreach (var s in layout.Series)
                a.CreateRow().AppendValue((short)s.Id).AppendValue(s.Metric).AppendValue(s.MaterialId).AppendValue(s.CountryId).AppendValue(s.Unit).EndRow();
        tx.Commit();
    }

    // ---------------------------------------------------------------- reading the batch definition

    /// <summary>Reads the batch's definition (scenario, seeds, design) back from the store.</summary>
    public BatchPlan ReadPlan()
    {
        using var cmd = Command("""
            SELECT id, scenario_name, scenario_file, scenario_text, scenario_hash, overrides, master_seed, design,
                   base_samples, replications, runs_planned, engine_version, command_line FROM batch
            """);
        using var r = cmd.ExecuteReader();
        r.Read();
        string id = r.GetString(0), name = r.GetString(1), file = r.GetString(2), text = r.GetString(3), hash = r.GetString(4);
        var overrides = r.GetString(5).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        int seed = r.GetInt32(6); var design = DesignKinds.Parse(r.GetString(7));
        int baseSamples = r.GetInt32(8), reps = r.GetInt32(9), runs = r.GetInt32(10);
        string engine = r.GetString(11), commandLine = r.GetString(12);

        var parameters = new List<BatchParameter>();
        foreach (var row in Rows("SELECT name, distribution, a, b, c, d, nominal FROM parameters ORDER BY param_index"))
            parameters.Add(new BatchParameter((string)row[0]!, (string)row[1]!, (double)row[2]!, (double)row[3]!, (double)row[4]!, (double)row[5]!, row[6] as double? ?? double.NaN));
        var seeds = new int[runs]; var points = new int[runs];
        foreach (var row in Rows("SELECT run_index, seed, point FROM design ORDER BY run_index"))
        {
            int i = (int)row[0]!;
            seeds[i] = (int)row[1]!; points[i] = (int)row[2]!;
        }
        var values = new double[runs, parameters.Count];
        var index = parameters.Select((p, k) => (p.Name, k)).ToDictionary(x => x.Name, x => x.k);
        foreach (var row in Rows("SELECT run_index, name, value FROM run_parameters"))
            values[(int)row[0]!, index[(string)row[1]!]] = (double)row[2]!;
        return new BatchPlan
        {
            Id = id, ScenarioName = name, ScenarioFile = file, ScenarioText = text, ScenarioHash = hash, Overrides = overrides,
            MasterSeed = seed, Design = design, BaseSamples = baseSamples, Replications = reps, Parameters = parameters,
            Values = values, Seeds = seeds, Points = points, EngineVersion = engine, CommandLine = commandLine,
        };
    }

    /// <summary>
    /// Copies the runs (rows and series) and sessions of another store of the same batch into this one, skipping runs
    /// and sessions this store already has (a shard merged twice, or a copy of one), in one transaction. Returns the number of runs copied.
    /// </summary>
    public int ImportRuns(string otherPath)
    {
        Exec($"ATTACH {S(System.IO.Path.GetFullPath(otherPath))} AS src (READ_ONLY)");
        try
        {
            using var tx = _c.BeginTransaction();
            long before = Scalar<long>("SELECT count(*) FROM runs");
            Exec("""
                CREATE TEMP TABLE new_runs AS SELECT run_index FROM src.runs WHERE run_index NOT IN (SELECT run_index FROM runs);
                INSERT INTO series_values SELECT * FROM src.series_values WHERE run_index IN (SELECT run_index FROM new_runs);
                INSERT INTO runs SELECT * FROM src.runs WHERE run_index IN (SELECT run_index FROM new_runs);
                INSERT INTO sessions SELECT session + (SELECT coalesce(max(session), 0) FROM sessions), * EXCLUDE (session) FROM src.sessions s
                  WHERE NOT EXISTS (SELECT 1 FROM sessions t WHERE t.started_at = s.started_at AND t.threads = s.threads
                                    AND t.command_line IS NOT DISTINCT FROM s.command_line AND t.runs_to_do = s.runs_to_do);
                DROP TABLE new_runs;
                """);
            long after = Scalar<long>("SELECT count(*) FROM runs");
            tx.Commit();
            return (int)(after - before);
        }
        finally { Exec("DETACH src"); }
    }

    /// <summary>The shard this store holds, or null for a whole batch.</summary>
    public BatchShard? ReadShard() =>
        Scalar<long>("SELECT count(*) FROM information_schema.tables WHERE table_name = 'shard'") == 0 ? null
            : Rows("SELECT shard_index, shard_count FROM shard").Select(r => new BatchShard((int)r[0]!, (int)r[1]!)).Single();

    /// <summary>Checks that the layout recomputed from the stored scenario matches the store's columns, and adopts it for writing.</summary>
    public void Attach(BatchLayout layout)
    {
        var metrics = Rows("SELECT name FROM metrics ORDER BY rowid").Select(r => (string)r[0]!).ToList();
        var series = Rows("SELECT metric, material, country FROM series_keys ORDER BY series_id").Select(r => $"{r[0]}|{r[1]}|{r[2]}").ToList();
        if (!metrics.SequenceEqual(layout.Metrics.Select(m => m.Name)) ||
            !series.SequenceEqual(layout.Series.Select(s => $"{s.Metric}|{s.MaterialId}|{s.CountryId}")))
            throw new InvalidDataException($"{Path}: the stored metrics and series do not match what this version computes for the stored scenario; cannot resume");
        _layout = layout;
    }

    /// <summary>Reads every stored run and series once, so that a damaged block shows up (as a DuckDBException) before anything is written.</summary>
    public void ReadAll()
    {
        Scalar<long>("SELECT count(*) FROM (SELECT max(COLUMNS(*)) FROM runs)");
        Scalar<long>("SELECT (count(*) + coalesce(sum(len(monthly)), 0) + coalesce(sum(run_index), 0) + coalesce(sum(series_id), 0))::BIGINT FROM series_values");
        Scalar<long>("SELECT count(*) FROM (SELECT max(COLUMNS(*)) FROM sessions)");
    }

    /// <summary>Run indexes already stored (ok or failed).</summary>
    public HashSet<int> CompletedRuns() => Rows("SELECT run_index FROM runs").Select(r => (int)r[0]!).ToHashSet();

    // ---------------------------------------------------------------- writing results

    /// <summary>Records the start of an invocation (timestamps are UTC).</summary>
    public void BeginSession(int threads, int toDo, string? commandLine = null)
    {
        Exec("SET threads = 1"); // the workers own the cores while a batch runs
        Exec($"SET memory_limit = '{MemoryLimit}'");
        Exec($"SET checkpoint_threshold = '{CheckpointThreshold}'");
        _session = (int)Scalar<long>("SELECT coalesce(max(session), 0) + 1 FROM sessions");
        using var cmd = Command("INSERT INTO sessions VALUES ($s, $now, NULL, $t, $todo, 0, false, $cmd)");
        Add(cmd, "s", _session); Add(cmd, "now", DateTime.UtcNow); Add(cmd, "t", threads); Add(cmd, "todo", toDo);
        Add(cmd, "cmd", commandLine ?? CommandLineText());
        cmd.ExecuteNonQuery();
    }

    public void EndSession(int runsDone, bool complete)
    {
        using var cmd = Command("UPDATE sessions SET finished_at = $now, complete = $c, runs_done = $n WHERE session = $s");
        Add(cmd, "now", DateTime.UtcNow); Add(cmd, "c", complete); Add(cmd, "n", runsDone); Add(cmd, "s", _session);
        cmd.ExecuteNonQuery();
    }

    /// <summary>Appends finished runs (row + series) in one transaction.</summary>
    public void Write(IReadOnlyList<RunResult> results)
    {
        var layout = _layout ?? throw new InvalidOperationException("store not attached to a layout");
        int T = layout.Months, nm = layout.Metrics.Count;
        var now = DateTime.UtcNow;
        using var tx = _c.BeginTransaction();
        using (var a = _c.CreateAppender("runs"))
            foreach (var r in results)
            {
                var row = a.CreateRow().AppendValue(r.RunIndex).AppendValue(r.Seed).AppendValue(r.Ok ? "ok" : "failed").AppendValue(r.Error);
                for (int k = 0; k < nm; k++) row = row.AppendValue(r.Metrics is null ? null : Null(r.Metrics[k]));
                row.AppendValue(r.ElapsedMs).AppendValue(r.CompileMs).AppendValue(now).EndRow();
            }
        using (var a = _c.CreateAppender("series_values"))
            foreach (var r in results)
            {
                if (r.Series is null) continue;
                foreach (var s in layout.Series)
                    a.CreateRow().AppendValue(r.RunIndex).AppendValue((short)s.Id).AppendValue(r.Series[s.Id]).EndRow();
            }
        tx.Commit();
    }

    /// <summary>Marks the batch finished and computes the quantiles table (a chunk of series at a time, so memory stays bounded).</summary>
    public void Finish()
    {
        Exec($"SET threads = {Environment.ProcessorCount}"); // the workers are done: the cores are free
        using (var tx = _c.BeginTransaction())
        {
            Exec("DELETE FROM quantiles");
            WriteQuantiles();
            using (var cmd = Command("UPDATE batch SET finished_at = $now")) { Add(cmd, "now", DateTime.UtcNow); cmd.ExecuteNonQuery(); }
            tx.Commit();
        }
        Exec("CHECKPOINT");
    }

    /// <summary>
    /// Per month and series: number of defined values, mean and the type-7 quantiles (as DuckDB's quantile_cont and
    /// <see cref="Percentiles"/>) over the ok runs. Each group's values are sorted before summing, so the result does
    /// not depend on the order runs were stored in (or on the thread count).
    /// </summary>
    void WriteQuantiles()
    {
        var keys = Rows("SELECT series_id, metric, material, country FROM series_keys ORDER BY series_id");
        if (keys.Count == 0) return;
        int T = Scalar<int>("SELECT months FROM batch");
        var start = Rows("SELECT start_month FROM batch")[0][0] switch
        {
            DateOnly d => d,
            DateTime d => DateOnly.FromDateTime(d),
            var v => throw new InvalidDataException($"batch.start_month: expected a date, found {v}"),
        };
        int runs = Math.Max(1, Scalar<int>("SELECT count(DISTINCT run_index) FROM series_values"));
        int per = (int)Math.Clamp(QuantileValuesPerChunk / ((long)runs * T), 1, keys.Count);
        double[] ps = { 0.05, 0.25, 0.5, 0.75, 0.95 };
        using var appender = _c.CreateAppender("quantiles");
        for (int first = 0; first < keys.Count; first += per)
        {
            int count = Math.Min(per, keys.Count - first);
            short id0 = (short)keys[first][0]!, id1 = (short)keys[first + count - 1][0]!;
            var index = new Dictionary<short, int>();
            for (int k = 0; k < count; k++) index[(short)keys[first + k][0]!] = k;
            var values = new double[count * T][];
            var n = new int[count * T];
            for (int g = 0; g < values.Length; g++) values[g] = new double[runs];
            using (var cmd = Command($"SELECT series_id, monthly FROM series_values WHERE series_id BETWEEN {id0} AND {id1}"))
            using (var r = cmd.ExecuteReader())
                while (r.Read())
                {
                    int k = index[r.GetFieldValue<short>(0)];
                    var monthly = r.GetFieldValue<List<double>>(1);
                    for (int t = 0; t < T && t < monthly.Count; t++)
                    {
                        double v = monthly[t];
                        if (double.IsNaN(v)) continue;
                        int g = k * T + t;
                        if (n[g] == values[g].Length) Array.Resize(ref values[g], values[g].Length * 2);
                        values[g][n[g]++] = v;
                    }
                }
            var stats = new double[count * T, 6];
            Parallel.For(0, count * T, g =>
            {
                var span = values[g].AsSpan(0, n[g]);
                if (span.Length == 0) return;
                span.Sort();
                double sum = 0;
                foreach (var v in span) sum += v;
                stats[g, 0] = sum / span.Length;
                for (int q = 0; q < ps.Length; q++) stats[g, q + 1] = Percentiles.Quantile(span, ps[q]);
            });
            for (int k = 0; k < count; k++)
                for (int t = 0; t < T; t++)
                {
                    int g = k * T + t;
                    if (n[g] == 0) continue;
                    var key = keys[first + k];
                    var row = appender.CreateRow().AppendValue(start.AddMonths(t)).AppendValue((string?)key[1]).AppendValue((string?)key[2])
                        .AppendValue((string?)key[3]).AppendValue(n[g]);
                    for (int q = 0; q < 6; q++) row = row.AppendValue(stats[g, q]);
                    row.EndRow();
                }
        }
    }

    /// <summary>
    /// SQL for the per-month quantiles over ok runs (optionally only runs matching <paramref name="runFilter"/>, a
    /// condition on runs_wide). quantile_cont interpolates linearly (Hyndman-Fan type 7, as <c>Analysis.Percentiles</c>).
    /// </summary>
    public string QuantileSql(string seriesFilter, string prefix = "", string? runFilter = null) => $"""
        {prefix}SELECT (b.start_month + to_months(q.month))::DATE AS month, k.metric, k.material, k.country, q.n, q.mean,
               q.p[1] AS p05, q.p[2] AS p25, q.p[3] AS p50, q.p[4] AS p75, q.p[5] AS p95
        FROM (SELECT series_id, month, count(*)::INTEGER AS n, avg(value) AS mean,
                     quantile_cont(value, [0.05, 0.25, 0.5, 0.75, 0.95]) AS p
              FROM series_points
              WHERE {seriesFilter}{(runFilter is null ? "" : $" AND run_index IN (SELECT run_index FROM runs_wide WHERE status = 'ok' AND ({runFilter}))")}
              GROUP BY series_id, month) q
        JOIN series_keys k USING (series_id) CROSS JOIN batch b
        ORDER BY k.series_id, q.month
        """;

    // ---------------------------------------------------------------- checks and exports

    /// <summary>
    /// SHA-256 over the results, in run_index order: the runs table without its timing columns (elapsed_ms,
    /// compile_ms, finished_at), the runs' parameter values and (optionally) their series. Two batches with the
    /// same hash stored the same results.
    /// </summary>
    public string ContentHash(bool includeSeries = true)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Feed(string sql)
        {
            using var cmd = Command(sql);
            using var r = cmd.ExecuteReader();
            var sb = new StringBuilder();
            while (r.Read())
            {
                sb.Clear();
                for (int k = 0; k < r.FieldCount; k++)
                {
                    if (k > 0) sb.Append('\t');
                    sb.Append(r.IsDBNull(k) ? "\\N" : r.GetValue(k) switch
                    {
                        double d => d.ToString("R", CultureInfo.InvariantCulture),
                        float f => f.ToString("R", CultureInfo.InvariantCulture),
                        IFormattable x => x.ToString(null, CultureInfo.InvariantCulture),
                        var o => o.ToString(),
                    });
                }
                sb.Append('\n');
                sha.AppendData(Encoding.UTF8.GetBytes(sb.ToString()));
            }
        }
        Feed("SELECT * EXCLUDE (elapsed_ms, compile_ms, finished_at) FROM runs ORDER BY run_index");
        Feed("SELECT p.* FROM run_parameters p SEMI JOIN runs r ON p.run_index = r.run_index ORDER BY p.run_index, p.name");
        if (includeSeries) Feed("SELECT run_index, series_id, CAST(monthly AS VARCHAR) FROM series_values ORDER BY run_index, series_id");
        return Convert.ToHexString(sha.GetHashAndReset()).ToLowerInvariant();
    }

    public static readonly string[] ExportTables = { "batch", "sessions", "parameters", "design", "run_parameters", "runs", "metrics", "series", "quantiles" };

    /// <summary>
    /// Writes one file per table into <paramref name="dir"/> (DuckDB COPY): batch, sessions, parameters, design,
    /// run_parameters, runs, metrics, series (the view, with metric/material/country and month as a date) and quantiles,
    /// and the manifest export.json. The files are written to a staging folder first and put in place together
    /// (<see cref="OutputFolder"/>): a failure midway (a full disk) leaves the folder as it was.
    /// </summary>
    public IReadOnlyList<string> Export(string dir, string format, bool force = false)
    {
        format = format.ToLowerInvariant();
        if (format is not ("parquet" or "csv")) throw new ArgumentException($"unknown format '{format}'; expected parquet or csv");
        var manifest = new System.Text.Json.Nodes.JsonObject
        {
            ["store"] = Path, ["batch"] = Scalar<string>("SELECT id FROM batch"), ["format"] = format, ["engine_version"] = EngineInfo.Version,
        };
        var full = OutputFolder.Write(dir, "export.json", manifest, staging =>
        {
            foreach (var t in ExportTables)
            {
                var file = System.IO.Path.Combine(staging, $"{t}.{format}");
                string order = t switch { "runs" or "design" => " ORDER BY run_index", "run_parameters" => " ORDER BY run_index, name", _ => "" };
                string options = format == "parquet" ? "FORMAT PARQUET, COMPRESSION ZSTD" : "FORMAT CSV, HEADER";
                try { Exec($"COPY (SELECT * FROM {t}{order}) TO {S(file)} ({options})"); }
                catch (DuckDBException e) { throw new IOException($"{t}.{format}: {e.Message}", e); }
            }
        }, force);
        return ExportTables.Select(t => System.IO.Path.Combine(full, $"{t}.{format}")).ToList();
    }

    // ---------------------------------------------------------------- queries for reports

    /// <summary>Rows of a query as object arrays (DBNull as null).</summary>
    public List<object?[]> Rows(string sql, params (string Name, object? Value)[] args)
    {
        using var cmd = Command(sql);
        foreach (var (n, v) in args) Add(cmd, n, v);
        using var r = cmd.ExecuteReader();
        var list = new List<object?[]>();
        while (r.Read())
        {
            var row = new object?[r.FieldCount];
            for (int k = 0; k < row.Length; k++) row[k] = r.IsDBNull(k) ? null : r.GetValue(k);
            list.Add(row);
        }
        return list;
    }

    /// <summary>
    /// A query a user wrote, confined to this store (<see cref="ConfinedQuery"/>), with its rows in memory: for small
    /// results (the <c>sql</c> command streams them instead). Values as DuckDB returns them, DBNull as null.
    /// </summary>
    public (string[] Columns, List<object?[]> Rows) Query(string sql)
    {
        string[] columns = Array.Empty<string>();
        var list = new List<object?[]>();
        ConfinedQuery.Read(this, sql, r =>
        {
            columns = Enumerable.Range(0, r.FieldCount).Select(r.GetName).ToArray();
            while (r.Read())
            {
                var row = new object?[r.FieldCount];
                for (int k = 0; k < row.Length; k++) row[k] = r.IsDBNull(k) ? null : r.GetValue(k);
                list.Add(row);
            }
        });
        return (columns, list);
    }

    public T Scalar<T>(string sql)
    {
        using var cmd = Command(sql);
        var v = cmd.ExecuteScalar();
        return v is null or DBNull ? default! : (T)Convert.ChangeType(v, typeof(T), CultureInfo.InvariantCulture);
    }

    public void Exec(string sql)
    {
        using var cmd = Command(sql);
        cmd.ExecuteNonQuery();
    }

    /// <summary>Bytes of the store file (and its write-ahead log, if any).</summary>
    public static long FileSize(string path) =>
        (File.Exists(path) ? new FileInfo(path).Length : 0) + (File.Exists(path + ".wal") ? new FileInfo(path + ".wal").Length : 0);

    DuckDBCommand Command(string sql)
    {
        var cmd = _c.CreateCommand();
        cmd.CommandText = sql;
        return cmd;
    }

    static void Add(DuckDBCommand cmd, string name, object? value) => cmd.Parameters.Add(new DuckDBParameter(name, value ?? DBNull.Value));

    static double? Null(double v) => double.IsNaN(v) ? null : v;

    /// <summary>A quoted SQL identifier.</summary>
    public static string Q(string name) => "\"" + name.Replace("\"", "\"\"") + "\"";

    /// <summary>A SQL string literal.</summary>
    public static string S(string text) => "'" + text.Replace("'", "''") + "'";

    public static string CommandLineText() =>
        "rareearth " + string.Join(' ', Environment.GetCommandLineArgs().Skip(1).Select(a => a.Contains(' ') ? $"\"{a}\"" : a));
}
