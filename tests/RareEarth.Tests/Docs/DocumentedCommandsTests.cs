using System.Diagnostics;
using System.Text.RegularExpressions;
using RareEarth.Tests.Cli;

namespace RareEarth.Tests.Docs;

/// <summary>
/// The README and docs as tests: every command shown in a shell code block of README.md and docs/*.md runs, in the
/// order of its document, against the built tool in a scratch folder (a copy of scenarios/, files the commands read
/// copied on demand, absolute paths moved under the folder); batches and sweeps made small and only the first run of a
/// document drawing charts (<see cref="DocumentedCommands.Small"/>).
/// A command fails the test when it exits non-zero, prints nothing or does not write its --out.
/// </summary>
public class DocumentedCommandsTests(Xunit.Abstractions.ITestOutputHelper log)
{
    public static TheoryData<string> Documents()
    {
        var data = new TheoryData<string>();
        foreach (var doc in new[] { "README.md" }.Concat(Directory.GetFiles(Path.Combine(TestPaths.Root, "docs"), "*.md")
                     .Select(f => Path.GetRelativePath(TestPaths.Root, f)).OrderBy(f => f, StringComparer.Ordinal)))
            if (DocumentedCommands.Extract(doc, File.ReadAllText(Path.Combine(TestPaths.Root, doc))).Count > 0) data.Add(doc.Replace('\\', '/'));
        return data;
    }

    [Fact]
    public void TheReadmeShowsEveryCommand()
    {
        var shown = DocumentedCommands.Extract("README.md", File.ReadAllText(Path.Combine(TestPaths.Root, "README.md"))).Select(c => c.Args.FirstOrDefault()).ToHashSet();
        foreach (var command in RareEarth.Tests.Cli.CommandLineTests.Commands)
            Assert.True(shown.Contains(command), $"README.md shows no '{command}' command");
    }

    [Theory]
    [MemberData(nameof(Documents))]
    public void EveryCommandInTheDocumentRuns(string document)
    {
        var commands = DocumentedCommands.Extract(document, File.ReadAllText(Path.Combine(TestPaths.Root, document)));
        var work = CliProcess.TempDir();
        CopyDirectory(Path.Combine(TestPaths.Root, "scenarios"), Path.Combine(work, "scenarios"));
        bool charted = false; // the first run of a document draws its charts; the others skip them (charts are tested in Reporting/)
        foreach (var c in commands)
        {
            var args = Prepare(DocumentedCommands.Small(c.Args, charts: !charted), work, c);
            charted |= c.Args.FirstOrDefault() == "run";
            var clock = Stopwatch.StartNew();
            var (exit, stdout, stderr) = Run(work, args);
            log.WriteLine($"{clock.Elapsed.TotalSeconds,5:F1} s  {c.Document}:{c.Line}  rareearth {string.Join(' ', args)}");
            string where = $"{c.Document}:{c.Line}: {c.Text}\nran as: rareearth {string.Join(' ', args)}\nexit {exit}\nstdout:\n{stdout}\nstderr:\n{stderr}\n" +
                           $"(a command that is only an illustration goes in a code block preceded by {DocumentedCommands.IllustrativeMarker})";
            Assert.True(exit == 0, "documented command failed: " + where);
            Assert.True(stdout.Trim().Length > 0, "documented command printed nothing: " + where);
            Assert.DoesNotContain("   at ", stderr);
            int outAt = args.IndexOf("--out");
            if (outAt >= 0 && outAt + 1 < args.Count)
            {
                var target = Path.Combine(work, args[outAt + 1]);
                Assert.True(File.Exists(target) || Directory.Exists(target), "documented command did not write its --out: " + where);
            }
        }
    }

    /// <summary>Makes the arguments runnable in <paramref name="work"/>: absolute paths moved under it, inputs copied, globs expanded.</summary>
    static List<string> Prepare(List<string> args, string work, DocumentedCommand c)
    {
        var result = new List<string>();
        foreach (var raw in args)
        {
            if (Regex.IsMatch(raw, @"\$\{?[A-Za-z_]"))
                throw new Xunit.Sdk.XunitException($"{c.Document}:{c.Line}: the docs test does not expand shell variables; write the value (or a for loop): {c.Text}");
            var arg = raw;
            if (arg.StartsWith('/') && !arg.StartsWith("/dev/", StringComparison.Ordinal))
            {
                arg = Path.Combine(work, arg.TrimStart('/'));
                Directory.CreateDirectory(Path.GetDirectoryName(arg)!);
            }
            if (arg.Contains(DocumentedCommands.Glob))
            {
                var pattern = arg.Replace(DocumentedCommands.Glob, '*');
                var dir = Path.GetDirectoryName(pattern) is { Length: > 0 } d ? d : ".";
                var matches = Directory.Exists(Path.Combine(work, dir))
                    ? Directory.GetFiles(Path.Combine(work, dir), Path.GetFileName(pattern)).Select(f => Path.GetRelativePath(work, f)).OrderBy(f => f, StringComparer.Ordinal).ToList()
                    : new List<string>();
                if (matches.Count == 0) result.Add(pattern); else result.AddRange(matches);
                continue;
            }
            CopyInput(arg, work);
            result.Add(arg);
        }
        return result;
    }

    /// <summary>A relative path the repository has and the scratch folder does not (e.g. a history CSV) is copied in.</summary>
    static void CopyInput(string arg, string work)
    {
        var value = arg.Contains('=') && !arg.StartsWith('-') ? arg[(arg.IndexOf('=') + 1)..] : arg;
        if (value.Length == 0 || Path.IsPathRooted(value) || value.Contains("..")) return;
        var source = Path.Combine(TestPaths.Root, value);
        var target = Path.Combine(work, value);
        if (!File.Exists(source) || File.Exists(target)) return;
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        File.Copy(source, target);
    }

    static void CopyDirectory(string from, string to)
    {
        foreach (var dir in Directory.GetDirectories(from, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, dir)));
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
            File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)));
    }

    static (int Exit, string Out, string Err) Run(string workingDirectory, IReadOnlyList<string> args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workingDirectory };
        psi.ArgumentList.Add(CliProcess.Dll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(120_000)) { p.Kill(true); throw new TimeoutException($"rareearth {string.Join(' ', args)} did not finish in 120 s"); }
        return (p.ExitCode, stdout.Result, stderr.Result);
    }
}
