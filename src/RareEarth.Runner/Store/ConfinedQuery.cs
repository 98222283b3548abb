using System.Data.Common;
using System.Text.Json;
using DuckDB.NET.Data;
using DuckDB.NET.Native;

namespace RareEarth.Runner.Store;

/// <summary>A query or condition a user wrote that is not run: why, in one line.</summary>
public sealed class QueryRefusedException(string message) : ArgumentException(message);

/// <summary>
/// SQL a user wrote (<c>rareearth sql</c>, <c>report --where</c>) runs confined to the store it was given.
/// <list type="bullet">
/// <item>DuckDB's own settings do the confining, once the store is attached: <c>enable_external_access = false</c>
/// (no file other than the store and its log can be read or written: read_text, read_blob, read_csv, read_parquet,
/// glob, COPY, EXPORT DATABASE, ATTACH and INSTALL all fail), no extension is loaded or installed, and
/// <c>lock_configuration = true</c>, so no SET, RESET or PRAGMA can undo any of it. The store is opened read-only.</item>
/// <item>A query is one statement, as DuckDB's parser splits it (<c>SELECT 1; DROP TABLE runs</c> is refused, not
/// half run).</item>
/// <item>A condition is one expression: DuckDB parses it inside <c>FROM table SELECT (condition)</c> and the parse
/// must equal that of <c>FROM table SELECT (TRUE)</c> everywhere but the one selected expression, so text such as
/// <c>1=1) UNION SELECT ... --</c> cannot change the query it is put into.</item>
/// </list>
/// </summary>
public static class ConfinedQuery
{
    /// <summary>
    /// Confines the store's connection (irreversible for that open store: its settings are locked). A store that is
    /// already confined is left as it is.
    /// </summary>
    public static void Confine(BatchStore store)
    {
        var c = store.Connection;
        using (var check = c.CreateCommand())
        {
            check.CommandText = "SELECT current_setting('lock_configuration')";
            if (check.ExecuteScalar() is true) return;
        }
        using var cmd = c.CreateCommand();
        cmd.CommandText = """
            SET enable_external_access = false;
            SET autoload_known_extensions = false;
            SET autoinstall_known_extensions = false;
            SET allow_community_extensions = false;
            SET lock_configuration = true;
            """;
        cmd.ExecuteNonQuery();
    }

    /// <summary>
    /// Runs one statement a user wrote on the confined store, streaming: <paramref name="read"/> gets the reader while
    /// DuckDB produces the rows, so no result is held in memory whole. Refusals and DuckDB's errors are thrown as
    /// <see cref="QueryRefusedException"/> with a one-line message.
    /// </summary>
    public static void Read(BatchStore store, string sql, Action<DbDataReader> read)
    {
        Confine(store);
        CheckOneStatement(store.Connection, sql);
        using var cmd = store.Connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.UseStreamingMode = true;
        DuckDBDataReader reader;
        try { reader = cmd.ExecuteReader(); }
        catch (DuckDBException e) { throw new QueryRefusedException(Explain(e, sql)); }
        using (reader)
        {
            try { read(reader); }
            catch (DuckDBException e) { throw new QueryRefusedException(Explain(e, sql)); }
        }
    }

    /// <summary>
    /// Checks that <paramref name="condition"/> is one SQL expression over <paramref name="table"/> and confines the
    /// store; returns the condition to put in a query (in parentheses, on its own lines so a trailing comment ends
    /// with it).
    /// </summary>
    public static string Condition(BatchStore store, string condition, string table)
    {
        Confine(store);
        string Wrap(string expression) => $"FROM {BatchStore.Q(table)} SELECT (\n{expression}\n)";
        var given = Parse(store.Connection, Wrap(condition));
        var reference = Parse(store.Connection, Wrap("TRUE"));
        string refused = $"--where \"{OneLine(condition)}\" is not one condition on {table}";
        if (given.TryGetProperty("error", out var error) && error.GetBoolean())
        {
            string why = given.TryGetProperty("error_message", out var m) ? m.GetString() ?? "" : "";
            throw new QueryRefusedException($"{refused}: {FirstLine(why)}");
        }
        var statements = given.GetProperty("statements");
        if (statements.GetArrayLength() != 1)
            throw new QueryRefusedException($"{refused}: it holds {statements.GetArrayLength()} statements");
        var node = statements[0].GetProperty("node");
        var expected = reference.GetProperty("statements")[0].GetProperty("node");
        bool oneExpression = node.GetProperty("type").GetString() == "SELECT_NODE"
                             && node.GetProperty("select_list").GetArrayLength() == 1
                             && SameExcept(node, expected, "select_list")
                             && SameExcept(statements[0], reference.GetProperty("statements")[0], "node");
        if (!oneExpression)
            throw new QueryRefusedException($"{refused}: it changes the query it is put into (a condition is one expression, e.g. \"shortage_months_JP_ndfeb_magnet > 6\")");
        return $"(\n{condition}\n)";
    }

    /// <summary>Refuses anything but exactly one statement, as DuckDB's parser counts them.</summary>
    static void CheckOneStatement(DuckDBConnection c, string sql)
    {
        int count = NativeMethods.ExtractStatements.DuckDBExtractStatements(c.NativeConnection, sql, out var statements);
        using (statements)
        {
            if (count == 1) return;
            if (count > 1) throw new QueryRefusedException($"refused: the query holds {count} statements; sql runs exactly one (run sql once per statement)");
            var why = NativeMethods.ExtractStatements.DuckDBExtractStatementsError(statements);
            if (string.IsNullOrWhiteSpace(why)) throw new QueryRefusedException("the query is empty: give one SQL statement, e.g. \"SELECT count(*) FROM runs\"");
            throw new QueryRefusedException(Explain(why, sql));
        }
    }

    static JsonElement Parse(DuckDBConnection c, string sql)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT json_serialize_sql($q::VARCHAR)";
        cmd.Parameters.Add(new DuckDBParameter("q", sql));
        using var doc = JsonDocument.Parse((string)cmd.ExecuteScalar()!);
        return doc.RootElement.Clone();
    }

    static bool SameExcept(JsonElement a, JsonElement b, string skip)
    {
        var pa = a.EnumerateObject().Where(p => p.Name != skip).ToList();
        var pb = b.EnumerateObject().Where(p => p.Name != skip).ToList();
        return pa.Count == pb.Count && pa.Zip(pb).All(x => x.First.Name == x.Second.Name && JsonElement.DeepEquals(x.First.Value, x.Second.Value));
    }

    /// <summary>DuckDB's error as one line: what was refused, and where in the query (line:column) when DuckDB shows it.</summary>
    public static string Explain(DuckDBException e, string? sql = null) => Explain(e.Message, sql);

    static string Explain(string message, string? sql)
    {
        string first = FirstLine(message);
        string where = sql is not null && Position(message, sql) is var (line, column) ? $"query:{line}:{column}: " : "";
        if (first.Contains("file system operations are disabled", StringComparison.Ordinal) ||
            first.Contains("Loading external extensions is disabled", StringComparison.Ordinal))
            return $"{where}refused: {first} (a query reads only its store: no other file, COPY, EXPORT, ATTACH, INSTALL or LOAD)";
        if (first.Contains("the configuration has been locked", StringComparison.Ordinal))
            return $"{where}refused: {first} (a query runs with fixed settings: no SET, RESET or PRAGMA that changes one)";
        if (first.Contains("read-only mode", StringComparison.Ordinal))
            return $"{where}refused: {first} (a query only reads the store)";
        return where + first;
    }

    /// <summary>The line and column DuckDB's caret points to ("LINE 2: ..." then "^" under the place), if any.</summary>
    static (int Line, int Column)? Position(string message, string sql)
    {
        var lines = message.Split('\n');
        for (int k = 0; k + 1 < lines.Length; k++)
        {
            var m = System.Text.RegularExpressions.Regex.Match(lines[k], @"^LINE (\d+): (.*)$");
            int caret = lines[k + 1].IndexOf('^');
            if (!m.Success || caret < 0) continue;
            int line = int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            string shown = m.Groups[2].Value;
            int offset = caret - ("LINE " + m.Groups[1].Value + ": ").Length;
            var queryLines = sql.Split('\n');
            if (line < 1 || line > queryLines.Length || offset < 0) return null;
            // DuckDB shows a window of a long line, marked "..." where it was cut
            bool cutBefore = shown.StartsWith("...", StringComparison.Ordinal);
            string text = cutBefore ? shown[3..] : shown;
            if (text.EndsWith("...", StringComparison.Ordinal)) text = text[..^3];
            int start = queryLines[line - 1].IndexOf(text.Length > 20 ? text[..20] : text, StringComparison.Ordinal);
            if (start < 0) return null;
            int column = start + offset - (cutBefore ? 3 : 0) + 1;
            return column >= 1 ? (line, column) : null;
        }
        return null;
    }

    static string FirstLine(string message) => OneLine(message.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault()?.Trim() ?? "");

    /// <summary>Text for a one-line message: line breaks and control characters shown escaped.</summary>
    static string OneLine(string text)
    {
        var sb = new System.Text.StringBuilder(text.Length);
        foreach (char ch in text)
            sb.Append(ch switch { '\n' => "\\n", '\r' => "\\r", '\t' => "\\t", _ when char.IsControl(ch) => $"\\u{(int)ch:x4}", _ => ch.ToString() });
        return sb.ToString();
    }
}
