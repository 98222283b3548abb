using System.Diagnostics;
using System.Threading.Channels;
using RareEarth.Engine;
using RareEarth.Runner.Recording;
using RareEarth.Runner.Store;
using RareEarth.Scenarios;

namespace RareEarth.Runner.Batch;

/// <summary>What one run hands to the store's writer.</summary>
public sealed class RunResult
{
    public required int RunIndex { get; init; }
    public required int Seed { get; init; }
    public required bool Ok { get; init; }
    public string? Error { get; init; }
    /// <summary>Compile + simulate + metrics, wall-clock ms (a timing column: not part of the results).</summary>
    public double ElapsedMs { get; init; }
    public double CompileMs { get; init; }
    /// <summary>One value per layout metric (NaN = NULL); null for a failed run.</summary>
    public double[]? Metrics { get; init; }
    /// <summary>One array of monthly values per layout series (NaN = undefined); null for a failed run.</summary>
    public double[][]? Series { get; init; }
}

/// <summary>Live counters of a batch, safe to read from any thread.</summary>
public sealed class BatchProgress
{
    long _simulated, _failed, _written;
    public int Total { get; internal set; }
    /// <summary>Runs already in the store when this session started (resume).</summary>
    public int AlreadyDone { get; internal set; }
    public long Simulated => Interlocked.Read(ref _simulated);
    public long Failed => Interlocked.Read(ref _failed);
    /// <summary>Runs committed to the store in this session.</summary>
    public long Written => Interlocked.Read(ref _written);
    public Stopwatch Clock { get; } = new();
    /// <summary>Time the writer spent committing to the store.</summary>
    public TimeSpan WriterBusy { get; internal set; }
    internal void RunDone(bool ok) { Interlocked.Increment(ref _simulated); if (!ok) Interlocked.Increment(ref _failed); }
    internal void Committed(int n) => Interlocked.Add(ref _written, n);
}

/// <summary>What a batch worker thread does with run i of the plan (one instance per thread, reused for its runs).</summary>
public interface IBatchWorker
{
    RunResult Execute(int run);
}

/// <summary>How a batch session ended.</summary>
public sealed record BatchOutcome(int Planned, int DoneBefore, int RanNow, int FailedNow, bool Complete, bool Cancelled, TimeSpan Elapsed);

/// <summary>
/// Runs the missing runs of a batch on K worker threads and hands the results to a single writer thread
/// over a bounded channel; the writer commits them to the store in transactions of up to
/// <see cref="CommitEvery"/> runs (or every <see cref="CommitInterval"/>). Memory stays bounded whatever
/// the batch size: at most the channel's capacity of results are in flight.
/// A run that throws is stored as failed with its error, and the batch goes on.
/// </summary>
public static class BatchRunner
{
    public const int CommitEvery = 200;
    public static readonly TimeSpan CommitInterval = TimeSpan.FromSeconds(1);

    /// <param name="shard">Only this shard's runs (null: the whole batch). A shard's store is finished by <c>merge</c>.</param>
    /// <param name="newWorker">Makes each thread's worker (null: the batch's own, which records the layout's metrics and series).</param>
    public static BatchOutcome Run(BatchStore store, BatchPlan plan, BatchScenario scenario, BatchLayout layout,
        int threads, BatchProgress? progress = null, CancellationToken cancel = default, string? commandLine = null, BatchShard? shard = null,
        Func<IBatchWorker>? newWorker = null)
    {
        progress ??= new BatchProgress();
        threads = Math.Clamp(threads, 1, 256);
        var done = store.CompletedRuns();
        // work items, in design-point order: the d + 2 runs of a Sobol index row are done together, so an interrupted
        // sobol batch still has complete rows; consecutive runs of a sweep point share their compiled model
        var groups = new List<(int Start, int Count)>();
        foreach (int i in Enumerable.Range(0, plan.Runs).OrderBy(i => plan.Points[i]).ThenBy(i => i))
        {
            if (done.Contains(i) || (shard is not null && !shard.Includes(plan, i))) continue;
            if (groups.Count > 0 && groups[^1].Start + groups[^1].Count == i && plan.Points[i] == plan.Points[groups[^1].Start] && plan.Design == DesignKind.Sweep)
                groups[^1] = (groups[^1].Start, groups[^1].Count + 1);
            else groups.Add((i, 1));
        }
        int todo = groups.Sum(g => g.Count);
        int planned = shard?.RunsIn(plan) ?? plan.Runs;
        progress.Total = planned;
        progress.AlreadyDone = done.Count;
        progress.Clock.Restart();
        store.BeginSession(threads, todo, commandLine);

        var channel = Channel.CreateBounded<RunResult>(new BoundedChannelOptions(Math.Max(64, threads * 16))
        {
            FullMode = BoundedChannelFullMode.Wait, SingleReader = true, SingleWriter = false,
        });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        Exception? writerError = null;
        var writer = new Thread(() =>
        {
            try { WriteLoop(store, channel.Reader, progress); }
            catch (Exception e)
            {
                writerError = e;
                stop.Cancel();
                channel.Writer.TryComplete(e); // workers blocked on a full channel get ChannelClosedException instead of waiting forever
            }
        }) { Name = "batch-writer", IsBackground = true };
        writer.Start();

        int next = -1;
        var workerErrors = new List<Exception>();
        var workers = new Thread[threads];
        for (int w = 0; w < threads; w++)
        {
            workers[w] = new Thread(() =>
            {
                try
                {
                    IBatchWorker worker = newWorker?.Invoke() ?? new Worker(plan, scenario, layout);
                    while (!stop.IsCancellationRequested)
                    {
                        int g = Interlocked.Increment(ref next);
                        if (g >= groups.Count) break;
                        var (start, count) = groups[g];
                        for (int i = start; i < start + count && !stop.IsCancellationRequested; i++)
                        {
                            var r = worker.Execute(i);
                            progress.RunDone(r.Ok);
                            channel.Writer.WriteAsync(r).AsTask().GetAwaiter().GetResult(); // blocks while the channel is full
                        }
                    }
                }
                catch (ChannelClosedException) when (writerError is not null) { } // the writer failed: reported below
                catch (Exception e) { lock (workerErrors) workerErrors.Add(e); stop.Cancel(); }
            }) { Name = $"batch-worker-{w}", IsBackground = true };
            workers[w].Start();
        }
        foreach (var t in workers) t.Join();
        channel.Writer.TryComplete();
        writer.Join();
        if (writerError is not null) throw new IOException($"writing the results store failed: {writerError.Message}", writerError);
        if (workerErrors.Count > 0) throw new AggregateException("a batch worker failed", workerErrors);

        int now = store.CompletedRuns().Count;
        bool complete = now == planned;
        store.EndSession((int)progress.Written, complete);
        if (complete && shard is null) store.Finish();
        progress.Clock.Stop();
        return new BatchOutcome(planned, done.Count, (int)progress.Written, (int)progress.Failed, complete,
            cancel.IsCancellationRequested && !complete, progress.Clock.Elapsed);
    }

    static void WriteLoop(BatchStore store, ChannelReader<RunResult> reader, BatchProgress progress)
    {
        var pending = new List<RunResult>(CommitEvery);
        var since = Stopwatch.StartNew(); // time since the last commit
        Task<bool>? wait = null;
        var busy = new Stopwatch();
        void Flush()
        {
            busy.Start();
            store.Write(pending);
            busy.Stop();
            progress.WriterBusy = busy.Elapsed;
            progress.Committed(pending.Count);
            pending.Clear();
            since.Restart();
        }
        while (true)
        {
            while (pending.Count < CommitEvery && reader.TryRead(out var r)) pending.Add(r);
            if (pending.Count >= CommitEvery || (pending.Count > 0 && since.Elapsed >= CommitInterval)) { Flush(); continue; }
            wait ??= reader.WaitToReadAsync().AsTask();
            if (pending.Count > 0)
            {
                var left = CommitInterval - since.Elapsed;
                if (!wait.Wait(left > TimeSpan.Zero ? left : TimeSpan.Zero)) continue; // time to commit what is pending
            }
            bool more = wait.GetAwaiter().GetResult();
            wait = null;
            if (!more)
            {
                while (reader.TryRead(out var r)) pending.Add(r);
                if (pending.Count > 0) Flush();
                return;
            }
        }
    }

    /// <summary>One worker's reusable state: recorder buffers, and the compiled model and world state of its last design point.</summary>
    sealed class Worker : IBatchWorker
    {
        readonly BatchPlan _plan;
        readonly BatchScenario _scenario;
        readonly BatchLayout _layout;
        readonly BatchRecorder _recorder;
        readonly CountryTotals _cfTotals = new();
        string? _key;
        WorldState? _state;
        /// <summary>The counterfactual run's state (same model and seed, without the confrontation), reused like <see cref="_state"/>.</summary>
        WorldState? _cfState;
        /// <summary>This worker's state, kept across design points of the same shape (every array is reset for a new run).</summary>
        WorldState? _spare;

        public Worker(BatchPlan plan, BatchScenario scenario, BatchLayout layout)
        {
            _plan = plan; _scenario = scenario; _layout = layout;
            _recorder = new BatchRecorder(layout);
        }

        public RunResult Execute(int i)
        {
            var sw = Stopwatch.StartNew();
            int seed = _plan.Seeds[i];
            double compileMs = 0;
            try
            {
                var overrides = _plan.OverridesOf(i);
                var key = string.Join('\n', overrides.Select(kv => kv.Value));
                if (key != _key || _state is null)
                {
                    _key = null; _state = null;
                    var compiled = _scenario.Compile(overrides);
                    if (!_layout.Fits(compiled.Model))
                        throw new InvalidOperationException("the run's parameter values change the scenario's structure (months, materials or countries); a batch needs one structure");
                    if (_spare is not null && WorldState.SameShape(_spare.Model, compiled.Model)) { _spare.Reset(compiled.Model, seed); _state = _spare; }
                    else _state = _spare = new WorldState(compiled.Model, seed);
                    _key = key;
                    compileMs = sw.Elapsed.TotalMilliseconds;
                }
                else _state.Reset(seed);
                CountryTotals? cf = null;
                if (_layout.HasCounterfactual)
                {
                    if (_cfState is not null && WorldState.SameShape(_cfState.Model, _state.Model)) _cfState.Reset(_state.Model, seed);
                    else _cfState = new WorldState(_state.Model, seed) { Counterfactual = true };
                    // the months before the confrontation's first event are simulated once for both
                    Simulation.RunPaired(_state, _recorder, _cfState, _cfTotals);
                    cf = _cfTotals;
                }
                else Simulation.Run(_state, _recorder);
                var metrics = new double[_layout.Metrics.Count];
                _recorder.Metrics(metrics, cf);
                var series = new double[_layout.Series.Count][];
                for (int k = 0; k < series.Length; k++) series[k] = new double[_layout.Months];
                _recorder.Series(series);
                return new RunResult { RunIndex = i, Seed = seed, Ok = true, ElapsedMs = sw.Elapsed.TotalMilliseconds, CompileMs = compileMs, Metrics = metrics, Series = series };
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                _key = null; _state = null; _spare = null; _cfState = null; // never reuse a state a failed run may have left half-way
                return new RunResult { RunIndex = i, Seed = seed, Ok = false, Error = Describe(e), ElapsedMs = sw.Elapsed.TotalMilliseconds, CompileMs = compileMs };
            }
        }

        static string Describe(Exception e) => e switch
        {
            ScenarioException se => "invalid parameter values: " + string.Join("; ", se.Errors.Select(x => string.IsNullOrEmpty(x.Path) ? x.Message : $"{x.Path}: {x.Message}")),
            _ => $"{e.GetType().Name}: {e.Message}",
        };
    }
}
