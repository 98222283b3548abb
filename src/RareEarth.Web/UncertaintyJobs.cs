using System.Collections.Concurrent;
using System.Diagnostics;
using RareEarth.Runner.Batch;
using RareEarth.Runner.Sampling;

namespace RareEarth.Web;

/// <summary>A "with uncertainty" job as the page polls it.</summary>
public sealed record JobStatus(string Id, string State, int Done, int Total, string? Error);

/// <summary>
/// "With uncertainty": N paired runs in memory, one after the other on a background thread, cancellable. Run i uses seed
/// <c>seed + i</c> and draws the scenario's uncertain parameters from that seed (the batch's sampler, on the scenario as
/// the batch machinery compiles it); A and B of a pair share the seed and the drawn values (common random numbers). At
/// most <see cref="WorkbenchLimits.MaxConcurrentJobs"/> run at once.
/// </summary>
public sealed class UncertaintyJobs(WorkbenchLimits limits)
{
    sealed class Job
    {
        public required string Id { get; init; }
        public required WhatIfPlan Plan { get; init; }
        public required int Total { get; init; }
        public int Done;
        public volatile string State = "running";
        public string? Error;
        public readonly CancellationTokenSource Cancel = new();
        public readonly List<RunFrame> A = new(), B = new();
        public ViewResponse? View;
        public readonly Stopwatch Clock = Stopwatch.StartNew();
    }

    readonly ConcurrentDictionary<string, Job> _jobs = new();
    readonly ConcurrentQueue<string> _order = new();
    int _running;

    public JobStatus Start(WhatIfPlan plan, int runs)
    {
        if (runs < 2 || runs > limits.MaxBatchRuns)
            throw RefusedException.One($"runs: found {runs}, expected a whole number between 2 and {limits.MaxBatchRuns}");
        if (Interlocked.Increment(ref _running) > limits.MaxConcurrentJobs)
        {
            Interlocked.Decrement(ref _running);
            throw RefusedException.One($"{limits.MaxConcurrentJobs} uncertainty jobs are running already (the most at once); wait for one to finish or cancel it", 429);
        }
        var job = new Job { Id = Guid.NewGuid().ToString("N")[..12], Plan = plan, Total = runs };
        _jobs[job.Id] = job;
        _order.Enqueue(job.Id);
        while (_order.Count > limits.MaxKeptJobs && _order.TryDequeue(out var old))
            if (_jobs.TryGetValue(old, out var o) && o.State != "running") _jobs.TryRemove(old, out _);
        _ = Task.Run(() => Execute(job));
        return Status(job);
    }

    void Execute(Job job)
    {
        try
        {
            var plan = job.Plan;
            var b = BatchScenario.Load(plan.B.Compiled.Document.Files[0], plan.B.Sets);
            var a = plan.A is null ? null : BatchScenario.Load(plan.A.Compiled.Document.Files[0], plan.A.Sets);
            // draw from the union of the uncertain parameters, so A and B get the same value for each one they share
            var all = b.Nominal.Uncertain.Concat(a?.Nominal.Uncertain ?? []).DistinctBy(p => p.Path).ToList();
            for (int i = 0; i < job.Total; i++)
            {
                job.Cancel.Token.ThrowIfCancellationRequested();
                int seed = plan.Seed + i;
                var drawn = UncertainSampler.Draw(all, seed);
                job.B.Add(RunFrame.Run(b.Compile(Only(drawn, b)), seed, plan.Material));
                if (a is not null) job.A.Add(RunFrame.Run(a.Compile(Only(drawn, a)), seed, plan.Material));
                Interlocked.Increment(ref job.Done);
            }
            job.View = Views.Build(plan, job.B, a is null ? null : job.A, Explanations(plan), job.Clock);
            job.State = "done";
        }
        catch (OperationCanceledException) { job.State = "cancelled"; }
        catch (Exception e)
        {
            job.Error = e is RareEarth.Scenarios.ScenarioException se ? string.Join("; ", se.Errors.Select(x => x.ToString())) : "the runs failed: " + e.Message;
            job.State = "failed";
        }
        finally { Interlocked.Decrement(ref _running); }
    }

    static List<KeyValuePair<string, string>> Only(List<KeyValuePair<string, string>> drawn, BatchScenario s) =>
        drawn.Where(kv => s.Nominal.Uncertain.Any(p => p.Path == kv.Key)).ToList();

    /// <summary>The bands' charts are explained from the run on the plan's own seed (the first of the job).</summary>
    static IReadOnlyDictionary<string, string> Explanations(WhatIfPlan plan)
    {
        RareEarth.Runner.Recording.SeriesRecorder? rec = null, cf = null;
        var frame = RunFrame.Run(plan.B.Compiled, plan.Seed, plan.Material, (r, c) => { rec = r; cf = c; });
        return Explain.For(rec!, cf, frame.Summary, plan.Material, RareEarth.Runner.Output.CountryNames.Of(plan.B.Compiled));
    }

    public JobStatus? Status(string id) => _jobs.TryGetValue(id, out var j) ? Status(j) : null;

    static JobStatus Status(Job j) => new(j.Id, j.State, Volatile.Read(ref j.Done), j.Total, j.Error);

    public bool Cancel(string id)
    {
        if (!_jobs.TryGetValue(id, out var j)) return false;
        j.Cancel.Cancel();
        return true;
    }

    /// <summary>The finished job's view (bands), or null while it runs or when it did not finish.</summary>
    public ViewResponse? Result(string id) => _jobs.TryGetValue(id, out var j) ? j.View : null;

    public int Running => Volatile.Read(ref _running);
}
