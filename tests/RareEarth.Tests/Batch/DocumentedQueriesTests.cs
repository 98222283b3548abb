using System.Text.RegularExpressions;
using RareEarth.Runner.Batch;
using RareEarth.Runner.Store;

namespace RareEarth.Tests.Batch;

/// <summary>Every SQL example in docs/results.md runs against a real batch store and returns rows.</summary>
[Collection("batch")]
public class DocumentedQueriesTests
{
    [Fact]
    public void ExampleQueriesInTheResultsDocumentWork()
    {
        var doc = File.ReadAllText(Path.Combine(TestPaths.Root, "docs", "results.md"));
        var queries = Regex.Matches(doc, "```sql\\s*\\n(.*?)```", RegexOptions.Singleline).Select(m => m.Groups[1].Value.Trim()).ToList();
        Assert.True(queries.Count >= 8, $"expected the documented example queries, found {queries.Count}");

        var db = BatchKit.RunSampled(DesignKind.LatinHypercube, 12, 4, threads: 2, BatchKit.Short);
        using var store = BatchStore.Open(db, readOnly: true);
        foreach (var q in queries)
        {
            List<object?[]> rows;
            try { rows = store.Query(q.TrimEnd(';')).Rows; }
            catch (Exception e) { throw new Xunit.Sdk.XunitException($"documented query failed: {e.Message}\n{q}"); }
            Assert.True(rows.Count > 0, $"documented query returned no rows:\n{q}");
            Assert.Contains(rows[0], v => v is not null);
        }
    }
}
