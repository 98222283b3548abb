using System.Diagnostics;

namespace RareEarth.WebTests;

/// <summary><c>rareearth serve</c> as a process: loopback by default, a warning beyond it, a graceful stop on Ctrl-C (SIGINT).</summary>
public sealed class ServeCommandTests
{
    static Process Start(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Repo.Root };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "rareearth.dll"));
        psi.ArgumentList.Add("serve");
        foreach (var a in args) psi.ArgumentList.Add(a);
        return Process.Start(psi)!;
    }

    static string Address(Process p)
    {
        var until = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < until)
        {
            var line = p.StandardOutput.ReadLine() ?? throw new InvalidOperationException("serve ended: " + p.StandardError.ReadToEnd());
            if (line.StartsWith("rareearth workbench: open ", StringComparison.Ordinal)) return line.Split(' ')[3];
        }
        throw new TimeoutException("serve did not say where it listens");
    }

    static void Interrupt(Process p)
    {
        using var kill = Process.Start("kill", new[] { "-INT", p.Id.ToString() })!;
        kill.WaitForExit();
        Assert.True(p.WaitForExit(30_000), "serve did not stop on SIGINT");
    }

    [Fact]
    public async Task Serves_the_page_on_loopback_and_stops_on_ctrl_c()
    {
        using var p = Start("--port", "0");
        try
        {
            string url = Address(p);
            Assert.StartsWith("http://127.0.0.1:", url);
            using var http = new HttpClient();
            var page = await http.GetStringAsync(url + "/");
            Assert.Contains("rareearth workbench", page);
            Assert.DoesNotContain("http", page.Replace("http-equiv", "")); // nothing fetched from elsewhere
            Interrupt(p);
            Assert.Equal(0, p.ExitCode);
        }
        finally { if (!p.HasExited) p.Kill(true); }
    }

    [Fact]
    public void Warns_when_listening_beyond_this_machine()
    {
        using var p = Start("--urls", "http://0.0.0.0:0");
        try
        {
            Address(p);
            Interrupt(p);
            Assert.Contains("warning: http://0.0.0.0:0 is reachable from other machines", p.StandardError.ReadToEnd());
        }
        finally { if (!p.HasExited) p.Kill(true); }
    }

    [Fact]
    public void A_bad_port_or_address_is_one_line_and_exit_code_2()
    {
        var (exit, _, err) = Repo.Cli("serve", "--port", "70000");
        Assert.Equal(2, exit);
        Assert.Equal("error: --port: found 70000, expected a whole number between 0 and 65535", err.Trim());
        (exit, _, err) = Repo.Cli("serve", "--urls", "ftp://x");
        Assert.Equal(2, exit);
        Assert.StartsWith("error: --urls: found 'ftp://x'", err.Trim());
    }
}
