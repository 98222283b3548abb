using DuckDB.NET.Data;
using RareEarth.Reporting;
using RareEarth.Runner.Batch;
using RareEarth.Runner.Store;
using RareEarth.Tests.Cli;

namespace RareEarth.Tests.Batch;

/// <summary>
/// <c>sql</c> and <c>report --where</c> run what a user wrote confined to the store: no other file is read or written,
/// no database attached, no extension loaded, no setting changed, one statement (issue 7, item 4).
/// </summary>
[Collection("batch")]
public class SqlConfinementTests(SqlConfinementTests.Files files) : IClassFixture<SqlConfinementTests.Files>
{
    /// <summary>A small store, and next to it files a query must not reach: a secret as text and Parquet, another store.</summary>
    public sealed class Files
    {
        public const string Secret = "TOPSECRET-7f3a";
        public string Db { get; } = BatchKit.RunSampled(DesignKind.LatinHypercube, 6, 1, threads: 2, BatchKit.Short);
        public string Dir => Path.GetDirectoryName(Db)!;

        public Files()
        {
            File.WriteAllText(Path.Combine(Dir, "secret.txt"), $"name,value\n{Secret},1\n");
            File.Copy(Db, Path.Combine(Dir, "other.duckdb"));
            using var c = new DuckDBConnection("Data Source=:memory:");
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = $"COPY (SELECT '{Secret}' AS s) TO '{Path.Combine(Dir, "secret.parquet")}' (FORMAT PARQUET)";
            cmd.ExecuteNonQuery();
        }

        public string Fill(string text) => text.Replace("{dir}", Dir);
    }

    [Theory]
    [InlineData("SELECT * FROM read_text('{dir}/secret.txt')")]
    [InlineData("SELECT content FROM read_blob('/proc/self/environ')")]
    [InlineData("SELECT * FROM glob('/*')")]
    [InlineData("SELECT * FROM read_csv('{dir}/secret.txt')")]
    [InlineData("SELECT * FROM '{dir}/secret.txt'")]
    [InlineData("SELECT * FROM read_parquet('{dir}/secret.parquet')")]
    [InlineData("SELECT count(*) FROM runs WHERE (SELECT count(*) FROM read_text('{dir}/secret.txt')) > 0")]
    [InlineData("COPY (SELECT * FROM runs) TO '{dir}/copied.csv'")]
    [InlineData("EXPORT DATABASE '{dir}/exported'")]
    [InlineData("ATTACH '{dir}/other.duckdb' AS other")]
    [InlineData("LOAD httpfs")]
    [InlineData("SET threads = 1")]
    [InlineData("SET enable_external_access = true")]
    [InlineData("PRAGMA threads = 1")]
    [InlineData("RESET lock_configuration")]
    [InlineData("SELECT 1; DROP TABLE runs")]
    [InlineData("SELECT 1; SELECT * FROM read_text('{dir}/secret.txt')")]
    public void SqlRefusesWhatReachesBeyondTheStore(string query)
    {
        var (exit, stdout, stderr) = CliProcess.Run("sql", files.Db, files.Fill(query));
        Assert.Equal(2, exit);
        Assert.DoesNotContain(Files.Secret, stdout);
        Assert.Equal("", stdout);
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, "one line expected:\n" + stderr);
        Assert.StartsWith("error: ", lines[0]);
        // DuckDB does not even look for a file named as a table ("FROM 'x.csv'"): that table does not exist
        Assert.True(lines[0].Contains("refused") || lines[0].Contains("does not exist"), lines[0]);
        Assert.False(File.Exists(Path.Combine(files.Dir, "copied.csv")));
        Assert.False(Directory.Exists(Path.Combine(files.Dir, "exported")));
    }

    [Theory]
    [InlineData("SELECT status, count(*) AS n FROM runs GROUP BY status;")]
    [InlineData("DESCRIBE runs_wide")]
    [InlineData("SHOW TABLES")]
    [InlineData("PRAGMA table_info('runs')")]
    [InlineData("SELECT count(*) FROM series WHERE metric = 'price'")]
    [InlineData("SELECT current_setting('threads') AS threads")]
    [InlineData("EXPLAIN SELECT * FROM runs_wide")]
    public void SqlStillReadsTheStore(string query)
    {
        var (exit, stdout, stderr) = CliProcess.Run("sql", files.Db, query);
        Assert.True(exit == 0, stderr);
        Assert.Equal("", stderr);
        Assert.True(stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length >= 2, stdout);
    }

    [Fact]
    public void AnEmptyQueryAndASyntaxErrorAreOneLineWithTheirPlace()
    {
        var (exit, _, stderr) = CliProcess.Run("sql", files.Db, "  -- nothing");
        Assert.Equal(2, exit);
        Assert.StartsWith("error: the query is empty", stderr);

        (exit, _, stderr) = CliProcess.Run("sql", files.Db, "SELECT run_index,\n  nosuch FROM runs");
        Assert.Equal(2, exit);
        Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: query:2:3: ", stderr);
    }

    [Theory]
    [InlineData("1=1) AS BOOLEAN), false) FROM runs_wide UNION ALL SELECT 0, length(content) > 0 FROM read_text('{dir}/secret.txt') --")]
    [InlineData("1=1) UNION SELECT 1 --")]
    [InlineData("true; DROP TABLE runs")]
    [InlineData("true), (false")]
    [InlineData("true) FROM runs_wide WHERE (false")]
    [InlineData("true) FROM runs_wide ORDER BY (1")]
    public void ReportWhereRefusesAnythingButOneCondition(string where)
    {
        var dir = Path.Combine(files.Dir, "report-" + Guid.NewGuid().ToString("N"));
        using var store = BatchStore.Open(files.Db, readOnly: true);
        var e = Assert.ThrowsAny<ArgumentException>(() => BatchReport.Write(store, dir, files.Fill(where)));
        Assert.Contains("is not one condition on runs_wide", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        Assert.False(Directory.Exists(dir), "nothing is written for a refused condition");
    }

    [Fact]
    public void ReportWhereIsConfinedToTheStore()
    {
        using var store = BatchStore.Open(files.Db, readOnly: true);
        // one expression, so the check lets it through; the confined store refuses the file
        var condition = ConfinedQuery.Condition(store, files.Fill("(SELECT count(*) FROM read_text('{dir}/secret.txt')) > 0"), "runs_wide");
        var e = Assert.Throws<DuckDBException>(() => store.Rows($"SELECT count(*) FROM runs_wide WHERE {condition}"));
        Assert.Contains("file system operations are disabled", e.Message);
        Assert.Throws<DuckDBException>(() => store.Exec($"COPY (SELECT 1) TO '{Path.Combine(files.Dir, "copied.csv")}'"));
        Assert.Throws<DuckDBException>(() => store.Exec("SET enable_external_access = true"));
    }

    [Theory]
    [InlineData("peak_price_multiple_dy_oxide_ROW > 1")]
    [InlineData("\"countries.JP.hoarding_gain\" > 1.5 -- a comment at the end")]
    [InlineData("run_index IN (SELECT run_index FROM runs WHERE seed > 0) AND status = 'ok'")]
    public void ReportWhereAcceptsConditions(string where)
    {
        using var store = BatchStore.Open(files.Db, readOnly: true);
        var condition = ConfinedQuery.Condition(store, where, "runs_wide");
        var rows = store.Rows($"SELECT run_index, coalesce(CAST({condition} AS BOOLEAN), false) FROM runs_wide WHERE status = 'ok'");
        Assert.Equal(6, rows.Count);
    }

    [Fact]
    public void ReportWhereThroughTheCommandLineIsOneLineExitTwo()
    {
        var (exit, stdout, stderr) = CliProcess.Run("report", files.Db, "--out", Path.Combine(files.Dir, "cli-report"),
            "--where", files.Fill("1=1) AS BOOLEAN), false) FROM runs_wide UNION ALL SELECT 0, length(content) > 0 FROM read_text('{dir}/secret.txt') --"));
        Assert.Equal(2, exit);
        Assert.DoesNotContain(Files.Secret, stdout + stderr);
        Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.False(Directory.Exists(Path.Combine(files.Dir, "cli-report")));
    }
}
