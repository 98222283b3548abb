namespace RareEarth.WebTests;

/// <summary>run, report and compare write the HTML report next to their Markdown/JSON: one file, charts inline, nothing outside it.</summary>
public sealed class CliHtmlReportTests
{
    static void SelfContained(string html)
    {
        Assert.StartsWith("<!DOCTYPE html>", html);
        Assert.DoesNotContain("<script", html);
        Assert.DoesNotContain("src=\"http", html);
        Assert.DoesNotContain("href=\"http", html);
        Assert.DoesNotContain("src=\"charts/", html);
        Assert.True(html.Contains("<svg") || html.Contains("src=\"data:image/png;base64,"), "no chart inline");
    }

    [Fact]
    public void Run_writes_report_html_with_headlines_charts_and_costs_in_human_numbers()
    {
        var dir = Repo.TempDir();
        var (exit, stdout, err) = Repo.Cli("run", "scenarios/japan-2010.yaml", "--out", Path.Combine(dir, "jp"));
        Assert.True(exit == 0, err);
        Assert.Contains("report.html", stdout);
        var html = File.ReadAllText(Path.Combine(dir, "jp", "report.html"));
        SelfContained(html);
        Assert.Contains("<h2>Headlines</h2>", html);
        Assert.Contains("JP Japan", html);          // names next to codes
        Assert.Contains(" USD</td>", html);         // "75.2 bn USD", never 7.52E+10
        Assert.DoesNotContain("E+", html.Replace("<svg", "\n<svg").Split('\n').Where(l => !l.Contains("<svg")).Aggregate("", (a, b) => a + b));
        Directory.Delete(dir, true);
    }

    [Fact]
    public void Report_and_compare_write_html_next_to_their_markdown()
    {
        var dir = Repo.TempDir();
        string a = Path.Combine(dir, "a.duckdb"), b = Path.Combine(dir, "b.duckdb");
        Assert.Equal(0, Repo.Cli("batch", "scenarios/japan-2010.yaml", "--runs", "6", "--out", a).Exit);
        Assert.Equal(0, Repo.Cli("batch", "scenarios/japan-2010.yaml", "--runs", "6", "--set", "events.13.approval=0.05", "--out", b).Exit);
        var (exit, _, err) = Repo.Cli("report", a, "--out", Path.Combine(dir, "rep"));
        Assert.True(exit == 0, err);
        SelfContained(File.ReadAllText(Path.Combine(dir, "rep", "report.html")));
        (exit, _, err) = Repo.Cli("compare", a, b, "--out", Path.Combine(dir, "cmp"));
        Assert.True(exit == 0, err);
        var cmp = Directory.GetFiles(Path.Combine(dir, "cmp"), "*.html").Single();
        SelfContained(File.ReadAllText(cmp));
        Directory.Delete(dir, true);
    }
}
