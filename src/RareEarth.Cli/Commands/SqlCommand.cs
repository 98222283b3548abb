using System.CommandLine;
using System.Globalization;
using System.Text;
using RareEarth.Runner.Store;

namespace RareEarth.Cli;

/// <summary>
/// <c>sql DB "QUERY"</c>: one query, confined to the store (<see cref="ConfinedQuery"/>), its rows streamed to the
/// output as DuckDB produces them (<see cref="SqlOutput"/>).
/// </summary>
internal static class SqlCommand
{
    public static Command Create()
    {
        var db = new Argument<string>("db") { Description = "Results store (DuckDB file) written by batch or sweep" };
        var query = new Argument<string>("query")
        {
            Description = "One SQL statement (DuckDB dialect) reading the store, e.g. \"SELECT count(*) FROM runs WHERE status = 'ok'\"; " +
                          "it cannot read or write other files, attach databases, load extensions or change settings",
        };
        var format = new Option<string?>("--format")
        {
            Description = "table (aligned for reading; records one per row when columns do not fit; the default on a terminal), " +
                          "csv (the default when the output is redirected) or json (JSON Lines: one object per row)",
        };
        format.AcceptOnlyFromAmong("table", "csv", "json");
        var limit = new Option<long?>("--limit") { Description = $"Write at most N rows (default: {SqlOutput.DefaultTableRows} for table, all for csv and json)", HelpName = "N" };
        limit.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<long?>() is < 1) r.AddError("--limit must be at least 1");
        });
        var cmd = new Command("sql", "Query a results store read-only, confined to it; tables and views are documented in docs/results.md.") { db, query, format, limit };
        cmd.SetAction(parse =>
        {
            var chosen = parse.GetValue(format) switch
            {
                "table" => SqlFormat.Table,
                "csv" => SqlFormat.Csv,
                "json" => SqlFormat.Json,
                _ => Console.IsOutputRedirected ? SqlFormat.Csv : SqlFormat.Table,
            };
            return BatchCommands.ReadingStores(() =>
            {
                using var store = BatchStore.Open(parse.GetValue(db)!, readOnly: true);
                IOException? outputFault = null;
                var output = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false), 1 << 16);
                try
                {
                    ConfinedQuery.Read(store, parse.GetValue(query)!, reader =>
                    {
                        try
                        {
                            SqlOutput.Write(reader, output, chosen, parse.GetValue(limit), Width());
                            output.Flush();
                        }
                        catch (IOException e) { outputFault = e; }
                    });
                }
                finally
                {
                    try { output.Dispose(); }
                    catch (IOException e) { outputFault ??= e; }
                }
                if (outputFault is not null)
                {
                    Console.Error.WriteLine("error: cannot write the output: " + outputFault.Message);
                    return Common.Failed;
                }
                return Common.Ok;
            });
        });
        return cmd;
    }

    /// <summary>The table's width: $COLUMNS if set, else the terminal's, else 120 (output redirected).</summary>
    static int Width()
    {
        if (int.TryParse(Environment.GetEnvironmentVariable("COLUMNS"), NumberStyles.None, CultureInfo.InvariantCulture, out int columns) && columns > 0)
            return columns;
        if (Console.IsOutputRedirected) return 120;
        try { return Console.WindowWidth > 0 ? Console.WindowWidth : 80; }
        catch (IOException) { return 80; }
    }
}
