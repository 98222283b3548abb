using System.Globalization;

namespace RareEarth.Runner.Batch;

/// <summary>
/// One of <see cref="Count"/> parts of a batch, for running it on several machines (e.g. a Slurm array):
/// shard k takes the design points p with p mod n = k (so the runs of a Sobol row or of a sweep point stay
/// together). Every shard plans the whole batch, with the same seeds and values; <c>merge</c> joins the shards'
/// stores into one, equal to the store of the batch run in one piece.
/// </summary>
public sealed record BatchShard(int Index, int Count)
{
    public bool Includes(BatchPlan plan, int run) => plan.Points[run] % Count == Index;

    /// <summary>Runs of the plan that belong to this shard.</summary>
    public int RunsIn(BatchPlan plan) => Enumerable.Range(0, plan.Runs).Count(i => Includes(plan, i));

    public override string ToString() => $"{Index}/{Count}";

    /// <summary>Parses "k/n" with 0 ≤ k &lt; n.</summary>
    public static BatchShard Parse(string text)
    {
        var parts = text.Split('/');
        if (parts.Length == 2 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int k) &&
            int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n >= 1 && k < n)
            return new BatchShard(k, n);
        throw new FormatException($"--shard '{text}': expected k/n with 0 <= k < n, e.g. 0/4 (for a Slurm array: --shard $SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT)");
    }
}
