using System.CommandLine;
using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using RareEarth.Web;

namespace RareEarth.Cli;

/// <summary><c>serve [--port N] [--urls URL]</c>: the workbench in a browser, on this machine only unless --urls says otherwise.</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var port = new Option<int>("--port") { Description = "Port on 127.0.0.1 (default 5170); 0 picks a free one", DefaultValueFactory = _ => 5170 };
        var urls = new Option<string?>("--urls")
        {
            Description = "Addresses to listen on instead, e.g. http://0.0.0.0:8080 (anyone who can reach them can run the model: a warning is printed)",
        };
        var check = new Option<bool>("--check")
        {
            Description = "Start the workbench on a free port, load the page and run every scenario once through it, print what it served and stop (a self-test)",
        };
        var cmd = new Command("serve", "Start the workbench: a local web page where you pick a scenario, move its levers and compare what-ifs (docs/workbench.md). Ctrl-C stops it.")
            { port, urls, check };
        cmd.SetAction(parse =>
        {
            int p = parse.GetValue(port);
            if (p < 0 || p > 65535)
            {
                Console.Error.WriteLine($"error: --port: found {p}, expected a whole number between 0 and 65535");
                return Common.InvalidInput;
            }
            if (parse.GetValue(check)) return Check();
            string address = parse.GetValue(urls) ?? $"http://127.0.0.1:{p}";
            foreach (var u in address.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!Uri.TryCreate(u.Replace("://*", "://0.0.0.0").Replace("://+", "://0.0.0.0"), UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
                {
                    Console.Error.WriteLine($"error: --urls: found '{u}', expected an address like http://127.0.0.1:5170");
                    return Common.InvalidInput;
                }
                if (!IsLoopback(uri.Host))
                    Console.Error.WriteLine($"warning: {u} is reachable from other machines: anyone who can reach it can run the model on this computer (the workbench has no login)");
            }
            var app = WorkbenchApp.Build(new WorkbenchSettings { Urls = address });
            app.Lifetime.ApplicationStarted.Register(() =>
            {
                foreach (var a in app.Urls) Console.WriteLine($"rareearth workbench: open {a} in a browser (Ctrl-C stops it)");
            });
            app.Run(); // the generic host: stops gracefully on Ctrl-C or SIGTERM
            return Common.Ok;
        });
        return cmd;
    }

    /// <summary>--check: the page and one run of each offered scenario over real HTTP on 127.0.0.1, then a graceful stop.</summary>
    static int Check()
    {
        var app = WorkbenchApp.Build(new WorkbenchSettings { Urls = "http://127.0.0.1:0", Args = ["--Logging:LogLevel:Microsoft.Hosting.Lifetime=Warning"] });
        app.StartAsync().GetAwaiter().GetResult();
        try
        {
            string url = app.Urls.First();
            using var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(60) };
            var page = http.GetStringAsync("/").GetAwaiter().GetResult();
            if (!page.Contains("rareearth workbench", StringComparison.Ordinal)) throw new InvalidOperationException("the page is not the workbench's");
            var catalog = app.Services.GetRequiredService<ScenarioCatalog>();
            var times = new List<string>();
            foreach (var e in catalog.Entries)
            {
                var clock = System.Diagnostics.Stopwatch.StartNew();
                var r = http.PostAsJsonAsync("/api/run", new { scenario = e.Id }).GetAwaiter().GetResult();
                if (!r.IsSuccessStatusCode) throw new InvalidOperationException($"{e.Id}: HTTP {(int)r.StatusCode} {r.Content.ReadAsStringAsync().GetAwaiter().GetResult()}");
                times.Add($"{e.Id} {clock.ElapsedMilliseconds} ms");
            }
            Console.WriteLine($"ok: the workbench served {url}/ and one run of each of its {catalog.Entries.Count} scenarios ({string.Join(", ", times)}), scenarios from {catalog.Folder}");
            return Common.Ok;
        }
        finally
        {
            app.StopAsync().GetAwaiter().GetResult();
        }
    }

    static bool IsLoopback(string host) =>
        host == "localhost" || (IPAddress.TryParse(host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
}
