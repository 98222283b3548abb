using System.CommandLine;
using System.Net;
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
        var cmd = new Command("serve", "Start the workbench: a local web page where you pick a scenario, move its levers and compare what-ifs (docs/workbench.md). Ctrl-C stops it.")
            { port, urls };
        cmd.SetAction(parse =>
        {
            int p = parse.GetValue(port);
            if (p < 0 || p > 65535)
            {
                Console.Error.WriteLine($"error: --port: found {p}, expected a whole number between 0 and 65535");
                return Common.InvalidInput;
            }
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

    static bool IsLoopback(string host) =>
        host == "localhost" || (IPAddress.TryParse(host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
}
