using System.Globalization;
using RareEarth.Reporting;

namespace RareEarth.Benchmarks;

/// <summary>
/// Draws docs/figures/performance/scaling.png from BenchmarkDotNet's CSV report of <see cref="ScalingBenchmarks"/>:
/// one run's cost relative to controls-2025 as firms, countries and months grow ×1, ×2, ×4, against linear growth.
/// </summary>
public static class ScalingChart
{
    public static string Write(string csvPath, string outDir)
    {
        var lines = File.ReadAllLines(csvPath);
        var header = SplitCsv(lines[0]);
        int size = Array.IndexOf(header, "Size"), mean = Array.IndexOf(header, "Mean");
        if (size < 0 || mean < 0) throw new InvalidDataException($"{csvPath}: expected the columns Size and Mean of a ScalingBenchmarks report");
        var points = new Dictionary<string, SortedDictionary<double, double>>();
        foreach (var line in lines.Skip(1).Where(l => l.Length > 0))
        {
            var cells = SplitCsv(line);
            var parts = cells[size].Split(' '); // "firms x2", "months 288"
            double factor = parts[0] == "months" ? double.Parse(parts[1], CultureInfo.InvariantCulture) / 144 : double.Parse(parts[1].TrimStart('x'), CultureInfo.InvariantCulture);
            (points.TryGetValue(parts[0], out var d) ? d : points[parts[0]] = new()).Add(factor, Milliseconds(cells[mean]));
        }
        var series = new List<SweepLine>();
        foreach (var (dimension, byFactor) in points)
        {
            double x1 = byFactor[1];
            var xs = byFactor.Keys.ToArray();
            var ys = byFactor.Values.Select(v => v / x1).ToArray();
            series.Add(new SweepLine($"{dimension} (x1 = {x1:F1} ms)", xs, ys, ys, ys));
        }
        var all = points.Values.SelectMany(d => d.Keys).Distinct().OrderBy(x => x).ToArray();
        series.Add(new SweepLine("linear growth", all, all, all, all));
        return BatchCharts.SweepResponse(outDir, "scaling", "Cost of one run as the world grows (controls-2025 = 1)",
            "size factor (firms, importing countries or months x controls-2025)", "cost of one run / cost at x1", series);
    }

    static double Milliseconds(string cell)
    {
        var p = cell.Trim('"').Split(' ');
        double v = double.Parse(p[0], NumberStyles.Float | NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
        return p[1] switch { "s" => v * 1000, "ms" => v, "us" or "μs" => v / 1000, "ns" => v / 1e6, _ => throw new InvalidDataException($"unknown time unit in '{cell}'") };
    }

    static string[] SplitCsv(string line)
    {
        var cells = new List<string>();
        var cur = new System.Text.StringBuilder();
        bool quoted = false;
        foreach (char c in line)
        {
            if (c == '"') quoted = !quoted;
            else if (c == ',' && !quoted) { cells.Add(cur.ToString()); cur.Clear(); }
            else cur.Append(c);
        }
        cells.Add(cur.ToString());
        return cells.ToArray();
    }
}
