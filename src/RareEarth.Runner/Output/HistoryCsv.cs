using System.Globalization;
using System.Text;

namespace RareEarth.Runner.Output;

/// <summary>
/// Reads a history file (docs/sources/history-*.csv): a header, then rows of
/// month,metric,material,country,partner,value,unit,use,source; blank lines and lines starting with # are skipped.
/// Used by the <c>history</c> command's comparison and by calibration targets, so both read history the same way.
/// </summary>
public static class HistoryCsv
{
    public const string Columns = "month,metric,material,country,partner,value,unit,use,source";

    /// <summary>One data row: its fields (at least 9) and its value, parsed.</summary>
    public readonly record struct Row(IReadOnlyList<string> Fields, double Value);

    public static List<Row> Read(string path)
    {
        var rows = new List<Row>();
        var lines = File.ReadAllLines(path);
        for (int i = 1; i < lines.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(lines[i]) || lines[i].StartsWith('#')) continue;
            var f = SplitCsv(lines[i]);
            if (f.Count < 9) throw new FormatException($"{path}:{i + 1}: expected 9 columns {Columns}; found {f.Count}");
            if (!double.TryParse(f[5], NumberStyles.Float, CultureInfo.InvariantCulture, out var v))
                throw new FormatException($"{path}:{i + 1}: value '{f[5]}' is not a number");
            rows.Add(new Row(f, v));
        }
        return rows;
    }

    static List<string> SplitCsv(string line)
    {
        var r = new List<string>(); var sb = new StringBuilder(); bool q = false;
        foreach (var ch in line)
        {
            if (ch == '"') q = !q;
            else if (ch == ',' && !q) { r.Add(sb.ToString()); sb.Clear(); }
            else sb.Append(ch);
        }
        r.Add(sb.ToString());
        return r;
    }
}
