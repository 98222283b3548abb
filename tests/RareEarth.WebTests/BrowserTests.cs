using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.Playwright;
using RareEarth.Web;

namespace RareEarth.WebTests;

/// <summary>
/// A browser test: runs when Debian's chromium is at <see cref="Chromium.Path"/>; skipped with the reason otherwise,
/// unless RAREEARTH_REQUIRE_BROWSER=1 (.ci/run) makes a missing browser a failure.
/// </summary>
public sealed class BrowserFactAttribute : FactAttribute
{
    public BrowserFactAttribute()
    {
        if (!Chromium.Available && !Chromium.Required)
            Skip = $"no browser: {Chromium.Path} is missing (.ci/install-browser.sh installs it; RAREEARTH_REQUIRE_BROWSER=1 makes this a failure)";
    }
}

public static class Chromium
{
    public const string Path = "/usr/bin/chromium";
    public static bool Available => File.Exists(Path);
    public static bool Required => Environment.GetEnvironmentVariable("RAREEARTH_REQUIRE_BROWSER") == "1";
}

/// <summary>
/// The scenario in a real browser: open the page, choose japan-2010, lengthen the halt and see the chart change,
/// pin A, change the approval rate and see B and B − A, refuse an out-of-range value in validate's words, download the
/// scenario and validate it with the CLI, download the report and open it with the network blocked. Every request that
/// does not go to the workbench is blocked and recorded: the page must make none. Screenshots go to a temp folder
/// (RAREEARTH_SCREENSHOTS names another).
/// </summary>
public sealed class BrowserTests
{
    [BrowserFact]
    public async Task The_workbench_answers_a_what_if_compares_it_and_hands_over_a_scenario_and_a_report()
    {
        Assert.True(Chromium.Available, $"{Chromium.Path} is missing and RAREEARTH_REQUIRE_BROWSER=1: run .ci/install-browser.sh");
        var app = WorkbenchApp.Build(new WorkbenchSettings { Urls = "http://127.0.0.1:0", ScenarioFolder = Repo.Scenarios });
        await app.StartAsync();
        string url = app.Urls.First();
        var shots = Environment.GetEnvironmentVariable("RAREEARTH_SCREENSHOTS") ?? Repo.TempDir();
        var work = Repo.TempDir();
        using var pw = await Playwright.CreateAsync();
        await using var browser = await pw.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium.Path, Headless = true,
            Args = new[] { "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--disable-background-networking", "--disable-component-update" },
        });
        try
        {
            var context = await browser.NewContextAsync(new BrowserNewContextOptions { AcceptDownloads = true, ViewportSize = new ViewportSize { Width = 1500, Height = 1100 } });
            var outside = new List<string>();
            await context.RouteAsync("**/*", async route =>
            {
                if (route.Request.Url.StartsWith(url, StringComparison.Ordinal) || route.Request.Url.StartsWith("blob:", StringComparison.Ordinal)) await route.ContinueAsync();
                else { outside.Add(route.Request.Url); await route.AbortAsync(); }
            });
            var page = await context.NewPageAsync();
            page.SetDefaultTimeout(30_000);
            Assertions.SetDefaultExpectTimeout(30_000); // generous: the suite shares two cores with the other test assemblies
            await page.GotoAsync(url);

            // choose japan-2010: its levers appear, generated from its events
            await page.SelectOptionAsync("#scenario", "japan-2010");
            var length = page.Locator("[data-lever='ep0.length']");
            await Assertions.Expect(length).ToHaveValueAsync("2");
            await page.SelectOptionAsync("#material", "dy_oxide");
            await page.WaitForSelectorAsync("#charts[data-material='dy_oxide'] #chart-price svg");
            await Assertions.Expect(page.Locator("#status")).ToContainTextAsync("ms on the server");
            string before = Regex.Replace(await Svg(page, "price"), "cl_[0-9a-f]+", "");

            // the halt lasts 12 months instead of 2: the chart redraws
            await length.FillAsync("12");
            await page.WaitForSelectorAsync("#charts[data-command*='events.15.month=2011-09'] #chart-price svg");
            Assert.NotEqual(before, Regex.Replace(await Svg(page, "price"), "cl_[0-9a-f]+", ""));
            await Assertions.Expect(page.Locator("#command")).ToContainTextAsync("--set events.15.month=2011-09");
            await Assertions.Expect(page.Locator("#headlines li").First).ToBeVisibleAsync();
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "1-halt-12-months.png"), FullPage = false });

            // an approval rate outside 0..1 is refused next to its lever, in validate's words
            var approval = page.Locator("[data-lever='ev13.approval']");
            await page.Locator("details", new() { Has = approval }).Locator("summary").ClickAsync(); // open the October 2010 event
            await approval.FillAsync("2");
            await Assertions.Expect(page.Locator(".lever[data-id='ev13.approval'] .lever-error")).ToHaveTextAsync("found 2, expected a number between 0 and 1 (share)");
            await Assertions.Expect(page.Locator("#errors")).ToContainTextAsync("--set events.13.approval:1:1: events.13.approval: found 2, expected a number between 0 and 1 (share)");
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "2-refused.png") });
            await approval.FillAsync("0.2");
            await Assertions.Expect(page.Locator("#errors")).ToBeHiddenAsync();

            // pin A, change the approval rate: B next to A and B − A
            await page.ClickAsync("#pin");
            await Assertions.Expect(page.Locator("#pinned")).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator("#compare li").First).ToContainTextAsync("the same in B as in A");
            await approval.FillAsync("0.05");
            await page.WaitForSelectorAsync("#charts[data-command*='events.13.approval=0.05'] #chart-diff_price svg");
            await Assertions.Expect(page.Locator("#compare-box")).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator("#compare li").First).ToContainTextAsync(" in B");
            await Assertions.Expect(page.Locator("#chart-diff_price svg")).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator("#pinned-command")).ToContainTextAsync("A: rareearth run scenarios/japan-2010.yaml");
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "3-compare.png") });
            await page.CheckAsync("#student");
            await Assertions.Expect(page.Locator("#chart-price .why")).ToBeVisibleAsync();
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "3-student.png") });

            // with uncertainty: a few paired runs, progress, bands
            await page.FillAsync("#runs", "12");
            await page.ClickAsync("#uncertainty");
            await Assertions.Expect(page.Locator("#status")).ToContainTextAsync("12 runs on seeds", new() { Timeout = 40_000 });
            await Assertions.Expect(page.Locator("#compare li").First).ToContainTextAsync("[");
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "4-bands.png") });

            // save as scenario: YAML that validate accepts
            var saved = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#save"));
            var yaml = Path.Combine(work, saved.SuggestedFilename);
            await saved.SaveAsAsync(yaml);
            var (exit, stdout, err) = Repo.Cli("validate", yaml);
            Assert.True(exit == 0, err);
            Assert.StartsWith("ok:", stdout);

            // the report: one file that opens with the network blocked
            var report = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#report"));
            var html = Path.Combine(work, "report.html");
            await report.SaveAsAsync(html);
            var offline = await browser.NewContextAsync(new BrowserNewContextOptions { Offline = true });
            var requests = new List<string>();
            offline.Request += (_, r) => requests.Add(r.Url);
            var reader = await offline.NewPageAsync();
            await reader.GotoAsync("file://" + html);
            Assert.True(await reader.Locator("svg").CountAsync() >= 4);
            await Assertions.Expect(reader.Locator("h1")).ToContainTextAsync("B against A");
            Assert.All(requests, r => Assert.StartsWith("file://", r));
            await reader.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(shots, "5-report.png") });
            await reader.PdfAsync(new PagePdfOptions { Path = Path.Combine(work, "report.pdf") });
            Assert.True(new FileInfo(Path.Combine(work, "report.pdf")).Length > 10_000);

            Assert.Empty(outside);
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
            Directory.Delete(work, true);
        }
    }

    static Task<string> Svg(IPage page, string chart) => page.Locator($"#chart-{chart} svg").EvaluateAsync<string>("e => e.outerHTML");
}
