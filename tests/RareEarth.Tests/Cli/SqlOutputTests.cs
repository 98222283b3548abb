using System.Diagnostics;
using System.Text.Json;
using DuckDB.NET.Data;
using RareEarth.Cli;
using RareEarth.Runner.Batch;
using RareEarth.Runner.Store;
using RareEarth.Tests.Batch;

namespace RareEarth.Tests.Cli;

/// <summary>
/// What <c>sql</c> prints (issue 7, item 12): rows streamed as they are read, csv by default when the output is
/// redirected, json lines, and a table that stays readable however wide the rows are.
/// </summary>
[Collection("batch")]
public class SqlOutputTests(SqlOutputTests.Store store) : IClassFixture<SqlOutputTests.Store>
{
    public sealed class Store
    {
        public string Db { get; } = BatchKit.RunSampled(DesignKind.LatinHypercube, 6, 1, threads: 2, BatchKit.Short);
    }

    /// <summary>Writes the rows of <paramref name="sql"/> (run on an in-memory DuckDB) as the sql command does.</summary>
    static string Output(string sql, SqlFormat format, int width = 80, long? limit = null)
    {
        using var c = new DuckDBConnection("Data Source=:memory:");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        cmd.UseStreamingMode = true;
        using var r = cmd.ExecuteReader();
        var w = new StringWriter { NewLine = "\n" };
        SqlOutput.Write(r, w, format, limit, width);
        return w.ToString();
    }

    static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    static string Wide(int columns, int valueLength) =>
        "SELECT " + string.Join(", ", Enumerable.Range(0, columns).Select(k => $"repeat('v', {valueLength}) AS decoupling_months_50_column_{k:00}")) + " FROM range(3)";

    [Fact]
    public void WideRowsAreRecordsWithWholeNamesWithinTheWidth()
    {
        var text = Output(Wide(20, 300), SqlFormat.Table, width: 80);
        Assert.All(Lines(text), l => Assert.True(l.Length <= 80, $"{l.Length} > 80: {l}"));
        for (int k = 0; k < 20; k++)
            Assert.Equal(3, Lines(text).Count(l => l.StartsWith($"decoupling_months_50_column_{k:00} | vvv", StringComparison.Ordinal)));
        Assert.Contains("-[ row 3 ]", text);
        Assert.Contains("(3 rows)", text);
        Assert.Contains("…", text);
    }

    [Fact]
    public void AColumnThatDoesNotFitIsCutNotItsName()
    {
        var text = Output("SELECT 7 AS run_index, 'ok' AS status, repeat('the reason a run failed ', 20) AS error", SqlFormat.Table, width: 60);
        var lines = Lines(text);
        Assert.Equal("run_index  status  error", lines[0].TrimEnd());
        Assert.All(lines, l => Assert.True(l.Length <= 60, l));
        Assert.StartsWith("        7  ok      the reason a run failed", lines[2]); // numbers right-aligned
        Assert.EndsWith("…", lines[2]);
    }

    [Fact]
    public void LongNamesWrapAtTheirUnderscoresAndNumbersStayWhole()
    {
        var names = new[] { "run_index", "status", "peak_price_multiple_dy_oxide_ROW", "total_cost_usd_CN", "countries.JP.hoarding_gain" };
        var text = Output("SELECT 0 AS run_index, 'ok' AS status, 6.78657::DOUBLE AS peak_price_multiple_dy_oxide_ROW, " +
                          "12679300000::DOUBLE AS total_cost_usd_CN, 1.24::DOUBLE AS \"countries.JP.hoarding_gain\"", SqlFormat.Table, width: 60);
        var lines = text.Split('\n');
        Assert.All(lines, l => Assert.True(l.Length <= 60, l));
        int dashes = Array.FindIndex(lines, l => l.StartsWith("---", StringComparison.Ordinal));
        Assert.True(dashes > 1, text); // a header on more than one line
        // each column spans its dashes; its header lines joined give its whole name
        var spans = System.Text.RegularExpressions.Regex.Matches(lines[dashes], "-+").Select(m => (m.Index, m.Length)).ToList();
        Assert.Equal(names.Length, spans.Count);
        for (int k = 0; k < names.Length; k++)
            Assert.Equal(names[k], string.Concat(lines[..dashes].Select(l => l.PadRight(60).Substring(spans[k].Index, spans[k].Length).Trim())));
        Assert.Contains("1.26793E+10", lines[dashes + 1]);
        Assert.DoesNotContain("…", text);
    }

    [Fact]
    public void ATableShowsAPageAndCountsTheRest()
    {
        var lines = Lines(Output("SELECT range AS i FROM range(1000)", SqlFormat.Table));
        Assert.Equal(2 + SqlOutput.DefaultTableRows + 1, lines.Length);
        Assert.Equal("(100 rows shown, 900 more: --limit N or --format csv)", lines[^1]);
        Assert.Equal("(5 rows shown, 995 more: --limit N or --format csv)", Lines(Output("SELECT range FROM range(1000)", SqlFormat.Table, limit: 5))[^1]);
        Assert.Equal(1 + 250, Lines(Output("SELECT range FROM range(1000)", SqlFormat.Csv, limit: 250)).Length);
    }

    [Fact]
    public void ControlCharactersNeverReachTheTerminal()
    {
        var text = Output("SELECT chr(27) || '[31mred' AS name, 'two' || chr(10) || 'lines' AS note", SqlFormat.Table);
        Assert.DoesNotContain('\u001b', text);
        Assert.Contains("\\u001b[31mred", text);
        Assert.Contains("two\\nlines", text);
    }

    [Fact]
    public void CsvIsExactAndQuoted()
    {
        var text = Output("SELECT 0.1::DOUBLE + 0.2::DOUBLE AS x, NULL AS n, 'a,\"b\"' AS s, [1.5, 2.5]::DOUBLE[] AS l, DATE '2025-04-01' AS d", SqlFormat.Csv);
        Assert.Equal("x,n,s,l,d\n0.30000000000000004,,\"a,\"\"b\"\"\",\"[1.5, 2.5]\",2025-04-01\n", text);
    }

    [Fact]
    public void JsonIsOneObjectPerLine()
    {
        var lines = Lines(Output("SELECT range AS i, 'NaN'::DOUBLE AS nan, [1.5, 2.5]::DOUBLE[] AS l, NULL AS n, DATE '2025-04-01' AS d FROM range(3)", SqlFormat.Json));
        Assert.Equal(3, lines.Length);
        for (int i = 0; i < 3; i++)
        {
            using var doc = JsonDocument.Parse(lines[i]);
            var o = doc.RootElement;
            Assert.Equal(i, o.GetProperty("i").GetInt64());
            Assert.Equal(JsonValueKind.Null, o.GetProperty("nan").ValueKind);
            Assert.Equal(2.5, o.GetProperty("l")[1].GetDouble());
            Assert.Equal(JsonValueKind.Null, o.GetProperty("n").ValueKind);
            Assert.Equal("2025-04-01", o.GetProperty("d").GetString());
        }
    }

    [Fact]
    public void ListsWithNullsAreShownAndWhatCannotBeReadIsOneLine()
    {
        Assert.Equal("v\n\"[NULL, 1]\"\n", Output("SELECT [NULL, 1] AS v", SqlFormat.Csv));
        Assert.Equal("{\"v\":[1.5,null]}\n", Output("SELECT [1.5, NULL]::DOUBLE[] AS v", SqlFormat.Json));
        var e = Assert.Throws<QueryRefusedException>(() => Output("SELECT [[1, NULL]] AS v", SqlFormat.Json));
        Assert.Contains("v::VARCHAR", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    // ------------------------------------------------------------------ the command line

    /// <summary>Runs the CLI with extra environment variables; stdout is read as it comes (counted, first lines kept).</summary>
    static (int Exit, long Lines, string Head, string Err) Run(IDictionary<string, string> env, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = TestPaths.Root };
        psi.ArgumentList.Add(CliProcess.Dll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var (k, v) in env) psi.Environment[k] = v;
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        long lines = 0;
        var head = new System.Text.StringBuilder();
        while (p.StandardOutput.ReadLine() is { } line)
        {
            if (lines++ < 200) head.Append(line).Append('\n');
        }
        if (!p.WaitForExit(120_000)) { p.Kill(true); throw new TimeoutException("CLI did not finish in 120 s"); }
        return (p.ExitCode, lines, head.ToString(), err.Result);
    }

    [Fact]
    public void RedirectedOutputIsCsvByDefault()
    {
        var (exit, stdout, stderr) = CliProcess.Run("sql", store.Db, "SELECT status, count(*) AS runs FROM runs GROUP BY status");
        Assert.True(exit == 0, stderr);
        Assert.Equal("status,runs\nok,6\n", stdout);
    }

    [Fact]
    public void TheBatchTableAndDescribeKeepNamesWhole()
    {
        var env = new Dictionary<string, string> { ["COLUMNS"] = "100" };
        var (exit, _, batch, err) = Run(env, "sql", store.Db, "SELECT * FROM batch", "--format", "table");
        Assert.True(exit == 0, err);
        var lines = Lines(batch);
        Assert.True(lines.Length < 40, batch);
        Assert.All(lines, l => Assert.True(l.Length <= 100, l));
        foreach (var column in new[] { "scenario_text", "engine_version", "schema_version", "command_line", "shock_month" })
            Assert.Contains(lines, l => l.StartsWith(column + " ", StringComparison.Ordinal));

        // a terminal of 80 columns holds every column name whole
        (exit, _, var describe, err) = Run(new Dictionary<string, string> { ["COLUMNS"] = "80" }, "sql", store.Db, "DESCRIBE runs_wide", "--format", "table", "--limit", "1000");
        Assert.True(exit == 0, err);
        Assert.All(Lines(describe), l => Assert.True(l.Length <= 80, l));
        Assert.DoesNotContain("…", describe);
        foreach (var name in new[] { "peak_price_multiple_ndfeb_magnet_ROW", "decoupling_months_50_JP_ndfeb_magnet", "countries.JP.hoarding_gain" })
            Assert.Contains(Lines(describe), l => l.StartsWith(name + " ", StringComparison.Ordinal));
    }

    /// <summary>
    /// 400,000 rows of 200 characters (about 200 MB as .NET objects) pass through a process whose managed heap is
    /// capped at 96 MB: rows are written as they are read, never all held.
    /// </summary>
    [Fact]
    public void RowsAreStreamedNotBuffered()
    {
        var env = new Dictionary<string, string> { ["DOTNET_GCHeapHardLimit"] = "0x6000000" };
        const string query = "SELECT range AS i, repeat('x', 200) AS pad FROM range(400000)";
        var (exit, lines, head, err) = Run(env, "sql", store.Db, query, "--format", "csv");
        Assert.True(exit == 0, err);
        Assert.Equal(400_001, lines);
        Assert.StartsWith("i,pad\n0,xxxx", head);

        (exit, lines, head, err) = Run(env, "sql", store.Db, query, "--format", "table");
        Assert.True(exit == 0, err);
        Assert.Contains("(100 rows shown, 399,900 more:", head);
    }
}
