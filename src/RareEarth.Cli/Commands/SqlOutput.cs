using System.Buffers;
using System.Collections;
using System.Data.Common;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using RareEarth.Runner.Store;

namespace RareEarth.Cli;

public enum SqlFormat { Table, Csv, Json }

/// <summary>
/// The rows of a <c>sql</c> query, written as they are read (nothing but the first page of a table is held):
/// <list type="bullet">
/// <item><c>table</c>: aligned columns when they fit the width, else one record per row ("column | value" lines,
/// as psql's \x); names are never cut, long values are cut with "…"; at most <see cref="DefaultTableRows"/> rows
/// unless a limit is given, then how many more there are;</item>
/// <item><c>csv</c>: RFC 4180 with a header, numbers in full precision, NULL as an empty field;</item>
/// <item><c>json</c>: JSON Lines, one object per row; NULL, NaN and infinities as null, lists as arrays, dates as
/// "yyyy-MM-dd" strings.</item>
/// </list>
/// </summary>
public static class SqlOutput
{
    /// <summary>Rows a table shows when no limit is given.</summary>
    public const int DefaultTableRows = 100;
    /// <summary>Rows a table's column widths are measured on (later rows are cut to them).</summary>
    const int MeasuredRows = 100;
    /// <summary>A column that must shrink to fit keeps at least this many characters (or its whole name).</summary>
    const int NarrowestColumn = 8;
    /// <summary>Between the columns of a table: two spaces, or one where two would make a value not fit.</summary>
    const string Gap = "  ", NarrowGap = " ";

    /// <summary>Writes the rows; returns the number written.</summary>
    public static long Write(DbDataReader reader, TextWriter output, SqlFormat format, long? limit, int width) => format switch
    {
        SqlFormat.Csv => Csv(reader, output, limit ?? long.MaxValue),
        SqlFormat.Json => Json(reader, output, limit ?? long.MaxValue),
        _ => Table(reader, output, limit ?? DefaultTableRows, Math.Max(width, 20)),
    };

    // ------------------------------------------------------------------ table

    static long Table(DbDataReader r, TextWriter w, long limit, int width)
    {
        int n = r.FieldCount;
        if (n == 0)
        {
            while (r.Read()) { }
            w.WriteLine("(the statement returns no columns)");
            return 0;
        }
        var names = Enumerable.Range(0, n).Select(k => Shown(r.GetName(k))).ToArray();
        var right = Enumerable.Range(0, n).Select(k => IsNumber(r, k)).ToArray();
        var page = new List<string[]>();
        while (page.Count < Math.Min(limit, MeasuredRows) && r.Read()) page.Add(Cells(r));

        // whole values two spaces apart, else one space apart, else values cut (two spaces apart), else records
        var widths = Widths(names, right, page, width, Gap.Length, shrink: false) ?? Widths(names, right, page, width, NarrowGap.Length, shrink: false)
                     ?? Widths(names, right, page, width, Gap.Length, shrink: true);
        string gap = widths is not null && widths.Sum() + Gap.Length * (n - 1) <= width ? Gap : NarrowGap;
        bool cut = false;
        long shown = 0;
        void Row(string[] cells)
        {
            shown++;
            if (widths is null)
            {
                int nameWidth = names.Max(x => x.Length), valueWidth = Math.Max(width - nameWidth - 3, 10);
                string title = $"-[ row {shown} ]";
                w.WriteLine(title + new string('-', Math.Max(0, Math.Min(width, nameWidth + 3 + valueWidth) - title.Length)));
                for (int k = 0; k < n; k++)
                    w.WriteLine((names[k].PadRight(nameWidth) + " | " + (right[k] ? cells[k] : Fit(cells[k], valueWidth, false, ref cut))).TrimEnd());
            }
            else w.WriteLine(Line(cells, widths, right, gap, ref cut));
        }
        if (widths is not null)
        {
            var header = names.Select((name, k) => Wrap(name, widths[k])).ToArray();
            for (int line = 0, lines = header.Max(h => h.Count); line < lines; line++)
            {
                bool none = false;
                w.WriteLine(Line(header.Select(h => line < h.Count ? h[line] : "").ToArray(), widths, new bool[n], gap, ref none));
            }
            w.WriteLine(string.Join(gap, widths.Select(x => new string('-', x))));
        }
        foreach (var cells in page) Row(cells);
        while (shown < limit && r.Read()) Row(Cells(r));
        long more = 0;
        while (r.Read()) more++;

        if (more == 0) w.WriteLine($"({shown:N0} row{(shown == 1 ? "" : "s")})");
        else w.WriteLine($"({shown:N0} rows shown, {more:N0} more: --limit N or --format csv)");
        if (cut) w.WriteLine("(… marks a cut value; --format csv prints it whole)");
        return shown;
    }

    /// <summary>
    /// Column widths for an aligned table within <paramref name="width"/>, or null when it cannot be done without
    /// cutting a word of a name or a number (then each row is printed as a record). Columns wider than the space
    /// share it, the widest shrinking first: a name wraps onto more lines after a '_', '.', '-' or space, a text value
    /// is cut (not below <see cref="NarrowestColumn"/> characters), a number never.
    /// </summary>
    static int[]? Widths(string[] names, bool[] numbers, List<string[]> page, int width, int gapWidth, bool shrink)
    {
        int n = names.Length, borders = gapWidth * (n - 1);
        var natural = new int[n];
        var least = new int[n];
        for (int k = 0; k < n; k++)
        {
            natural[k] = names[k].Length;
            foreach (var row in page) natural[k] = Math.Max(natural[k], row[k].Length);
            int cells = page.Count == 0 ? 0 : page.Max(row => row[k].Length);
            least[k] = Math.Max(Words(names[k]).Max(x => x.Length), numbers[k] ? cells : Math.Min(cells, NarrowestColumn));
        }
        if (natural.Sum() + borders <= width) return natural;
        if (!shrink || least.Sum() + borders > width) return null;
        // the largest cap c such that every column min(natural, max(least, c)) wide fits
        int lo = 0, hi = natural.Max();
        while (lo < hi)
        {
            int c = (lo + hi + 1) / 2;
            if (Enumerable.Range(0, n).Sum(k => Math.Max(least[k], Math.Min(natural[k], c))) + borders <= width) lo = c;
            else hi = c - 1;
        }
        // each column then as narrow as its wrapped name and its (cut) values allow
        return Enumerable.Range(0, n).Select(k =>
        {
            int w = Math.Max(least[k], Math.Min(natural[k], lo));
            int cells = page.Count == 0 ? 0 : page.Max(row => row[k].Length);
            return Math.Max(Wrap(names[k], w).Max(x => x.Length), Math.Min(cells, w));
        }).ToArray();
    }

    /// <summary>A name in pieces that each end after a '_', '.', '-' or space (the last one at the name's end).</summary>
    static List<string> Words(string name)
    {
        var words = new List<string>();
        int from = 0;
        for (int i = 0; i < name.Length; i++)
            if (name[i] is '_' or '.' or '-' or ' ' && i + 1 < name.Length)
            {
                words.Add(name[from..(i + 1)]);
                from = i + 1;
            }
        words.Add(name[from..]);
        return words;
    }

    /// <summary>A name on as few lines of <paramref name="width"/> as its words allow.</summary>
    static List<string> Wrap(string name, int width)
    {
        var lines = new List<string> { "" };
        foreach (var word in Words(name))
        {
            if (lines[^1].Length > 0 && lines[^1].Length + word.Length > width) lines.Add("");
            lines[^1] += word;
        }
        return lines;
    }

    static string Line(string[] cells, int[] widths, bool[] right, string gap, ref bool cut)
    {
        var sb = new StringBuilder();
        for (int k = 0; k < cells.Length; k++)
        {
            if (k > 0) sb.Append(gap);
            sb.Append(Fit(cells[k], widths[k], right[k], ref cut));
        }
        return sb.ToString().TrimEnd();
    }

    /// <summary>A cell padded to <paramref name="width"/>, or cut to it with "…".</summary>
    static string Fit(string text, int width, bool right, ref bool cut)
    {
        if (text.Length > width)
        {
            cut = true;
            return text[..Math.Max(0, width - 1)] + "…";
        }
        return right ? text.PadLeft(width) : text.PadRight(width);
    }

    static string[] Cells(DbDataReader r)
    {
        var cells = new string[r.FieldCount];
        for (int k = 0; k < cells.Length; k++) cells[k] = Shown(Text(Get(r, k)));
        return cells;
    }

    /// <summary>
    /// A value as DuckDB.NET reads it (null for NULL). A list holding NULLs, which DuckDB.NET reads only as a list of a
    /// nullable type, is read so; a value it cannot read at all is a one-line error that says to cast it.
    /// </summary>
    static object? Get(DbDataReader r, int k)
    {
        if (r.IsDBNull(k)) return null;
        try { return r.GetValue(k); }
        catch (InvalidCastException) when (ListOfNullable(r, k) is { } list) { return list; }
        catch (Exception e) when (e is InvalidCastException or NotSupportedException)
        {
            throw new QueryRefusedException($"cannot show the values of column {Shown(r.GetName(k))} ({r.GetDataTypeName(k)}: {e.Message}); cast them, e.g. {Shown(r.GetName(k))}::VARCHAR");
        }
    }

    static object? ListOfNullable(DbDataReader r, int k)
    {
        try
        {
            var type = r.GetFieldType(k);
            if (!type.IsGenericType || type.GetGenericTypeDefinition() != typeof(List<>)) return null;
            var element = type.GetGenericArguments()[0];
            if (!element.IsValueType || Nullable.GetUnderlyingType(element) is not null) return null;
            var nullable = typeof(List<>).MakeGenericType(typeof(Nullable<>).MakeGenericType(element));
            return typeof(DbDataReader).GetMethod(nameof(DbDataReader.GetFieldValue))!.MakeGenericMethod(nullable).Invoke(r, new object[] { k });
        }
        catch (Exception e) when (e is System.Reflection.TargetInvocationException or InvalidCastException or NotSupportedException or ArgumentException)
        {
            return null;
        }
    }

    static bool IsNumber(DbDataReader r, int k)
    {
        Type t;
        try { t = r.GetFieldType(k); }
        catch (Exception e) when (e is NotSupportedException or InvalidOperationException or ArgumentException) { return false; }
        t = Nullable.GetUnderlyingType(t) ?? t;
        return t == typeof(double) || t == typeof(float) || t == typeof(decimal) || t == typeof(long) || t == typeof(int) || t == typeof(short)
               || t == typeof(sbyte) || t == typeof(ulong) || t == typeof(uint) || t == typeof(ushort) || t == typeof(byte) || t == typeof(System.Numerics.BigInteger);
    }

    /// <summary>Text safe for a terminal: line breaks, tabs and other control characters (ANSI escapes) shown escaped.</summary>
    static string Shown(string text)
    {
        if (!text.Any(char.IsControl)) return text;
        var sb = new StringBuilder(text.Length + 8);
        foreach (char ch in text)
            sb.Append(ch switch { '\n' => "\\n", '\r' => "\\r", '\t' => "\\t", _ when char.IsControl(ch) => $"\\u{(int)ch:x4}", _ => ch.ToString() });
        return sb.ToString();
    }

    /// <summary>A value as text (doubles to 6 significant digits, dates as yyyy-MM-dd).</summary>
    static string Text(object? v) => v switch
    {
        null or DBNull => "",
        double d => d.ToString("G6", CultureInfo.InvariantCulture),
        float f => f.ToString("G6", CultureInfo.InvariantCulture),
        _ => Exact(v),
    };

    /// <summary>A value as text, numbers in full (round-trip) precision.</summary>
    static string Exact(object? v) => v switch
    {
        null or DBNull => "",
        string s => s,
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        DateTime t => t.TimeOfDay == TimeSpan.Zero ? t.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : t.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture),
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        byte[] bytes => "\\x" + Convert.ToHexString(bytes),
        Stream s => "\\x" + Convert.ToHexString(ReadAll(s)),
        IDictionary m => "{" + string.Join(", ", m.Keys.Cast<object?>().Select(k => Exact(k) + ": " + Exact(m[k!]))) + "}",
        IEnumerable e => "[" + string.Join(", ", e.Cast<object?>().Select(x => x is null ? "NULL" : Exact(x))) + "]",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => v.ToString() ?? "",
    };

    static byte[] ReadAll(Stream s)
    {
        using var m = new MemoryStream();
        s.CopyTo(m);
        return m.ToArray();
    }

    // ------------------------------------------------------------------ csv

    static long Csv(DbDataReader r, TextWriter w, long limit)
    {
        static string Field(string s) => s.IndexOfAny(new[] { ',', '"', '\n', '\r' }) >= 0 ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;
        w.WriteLine(string.Join(',', Enumerable.Range(0, r.FieldCount).Select(k => Field(r.GetName(k)))));
        long rows = 0;
        var fields = new string[r.FieldCount];
        while (rows < limit && r.Read())
        {
            for (int k = 0; k < fields.Length; k++) fields[k] = Field(Exact(Get(r, k)));
            w.WriteLine(string.Join(',', fields));
            rows++;
        }
        return rows;
    }

    // ------------------------------------------------------------------ json

    static readonly JsonWriterOptions JsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    static long Json(DbDataReader r, TextWriter w, long limit)
    {
        var names = Enumerable.Range(0, r.FieldCount).Select(r.GetName).ToArray();
        var buffer = new ArrayBufferWriter<byte>();
        long rows = 0;
        while (rows < limit && r.Read())
        {
            buffer.ResetWrittenCount();
            using (var j = new Utf8JsonWriter(buffer, JsonOptions))
            {
                j.WriteStartObject();
                for (int k = 0; k < names.Length; k++)
                {
                    j.WritePropertyName(names[k]);
                    Value(j, Get(r, k));
                }
                j.WriteEndObject();
            }
            w.WriteLine(Encoding.UTF8.GetString(buffer.WrittenSpan));
            rows++;
        }
        return rows;
    }

    static void Value(Utf8JsonWriter j, object? v)
    {
        switch (v)
        {
            case null or DBNull: j.WriteNullValue(); break;
            case string s: j.WriteStringValue(s); break;
            case bool b: j.WriteBooleanValue(b); break;
            case double d when double.IsFinite(d): j.WriteNumberValue(d); break;
            case float f when float.IsFinite(f): j.WriteNumberValue(f); break;
            case double or float: j.WriteNullValue(); break;
            case decimal m: j.WriteNumberValue(m); break;
            case long or int or short or sbyte: j.WriteNumberValue(Convert.ToInt64(v, CultureInfo.InvariantCulture)); break;
            case ulong or uint or ushort or byte: j.WriteNumberValue(Convert.ToUInt64(v, CultureInfo.InvariantCulture)); break;
            case System.Numerics.BigInteger big: j.WriteRawValue(big.ToString(CultureInfo.InvariantCulture)); break;
            case DateTime t when t.TimeOfDay != TimeSpan.Zero: j.WriteStringValue(t.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture)); break;
            case DateTime or DateOnly or byte[] or Stream: j.WriteStringValue(Exact(v)); break;
            case IDictionary m:
                j.WriteStartObject();
                foreach (DictionaryEntry e in m)
                {
                    j.WritePropertyName(Exact(e.Key));
                    Value(j, e.Value);
                }
                j.WriteEndObject();
                break;
            case IEnumerable e:
                j.WriteStartArray();
                foreach (var x in e) Value(j, x);
                j.WriteEndArray();
                break;
            default: j.WriteStringValue(Exact(v)); break;
        }
    }
}
