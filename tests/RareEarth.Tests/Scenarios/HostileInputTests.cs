using System.Diagnostics;
using System.Text;
using RareEarth.Scenarios;
using RareEarth.Scenarios.Yaml;
using RareEarth.Tests.Cli;

namespace RareEarth.Tests.Scenarios;

/// <summary>
/// Broken or hostile scenario text and <c>extends</c> targets: each gives scenario errors with file, line and column,
/// never an exception, a hang or unbounded memory. The limits checked here are the ones docs/scenarios.md states.
/// </summary>
public class HostileInputTests
{
    const int MaxFileBytes = 1024 * 1024, MaxDepth = 64, MaxNodes = 100_000, MaxKey = 100, MaxValue = 10_000, MaxExtends = 8;

    static string Write(string text, string name = "hostile.yaml", string? dir = null) => WriteBytes(Encoding.UTF8.GetBytes(text), name, dir);

    static string WriteBytes(byte[] bytes, string name = "hostile.yaml", string? dir = null)
    {
        var path = Path.Combine(dir ?? CliProcess.TempDir(), name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>Loads and compiles within a time limit; the scenario must be rejected: returns its errors.</summary>
    static IReadOnlyList<ScenarioError> Errors(string path, params string[] overrides)
    {
        var task = Task.Run(() => ScenarioCompiler.LoadAndCompile(path, overrides));
        try
        {
            if (!task.Wait(TimeSpan.FromSeconds(20))) throw new TimeoutException($"loading {path} did not finish in 20 s");
        }
        catch (AggregateException e) when (e.InnerException is ScenarioException se)
        {
            foreach (var err in se.Errors)
            {
                Assert.False(string.IsNullOrEmpty(err.File));
                Assert.DoesNotContain(err.ToString(), c => char.IsControl(c));
            }
            return se.Errors;
        }
        throw new Xunit.Sdk.XunitException("expected the scenario to be rejected, it compiled");
    }

    static ScenarioError Single(IReadOnlyList<ScenarioError> errors, string contains)
    {
        Assert.True(errors.Count == 1, $"expected one error, got {errors.Count}:\n{string.Join("\n", errors)}");
        Assert.Contains(contains, errors[0].Message);
        return errors[0];
    }

    // ---- broken YAML ----

    [Fact]
    public void UnclosedFlowSequenceFollowedByAnotherLineIsASyntaxErrorAtTheBracket()
    {
        var e = Single(Errors(Write("name: [unclosed\nuncertain: {}\n")), "YAML syntax");
        Assert.Equal((1, 7), (e.Line, e.Column));
    }

    [Fact]
    public void TabIsReportedOnItsOwnLine()
    {
        var e = Single(Errors(Write("name: x\nstart: 2020-01\nend: 2021-01\nmaterials: {}\ncountries:\n\tJP: {}\n")), "tab");
        Assert.Equal((6, 1), (e.Line, e.Column));
    }

    [Fact]
    public void SecondDocumentIsAnErrorAtItsLine()
    {
        var e = Single(Errors(Write("name: a\n---\nname: b\n")), "one YAML document");
        Assert.Equal(2, e.Line);
    }

    [Fact]
    public void NonUtf8TextIsReportedAtTheByte()
    {
        var bytes = Encoding.UTF8.GetBytes("name: ok\ndescription: caf").Concat(new byte[] { 0xE9, 0x0A }).ToArray();
        var e = Single(Errors(WriteBytes(bytes)), "UTF-8");
        Assert.Equal((2, 17), (e.Line, e.Column));
    }

    [Fact]
    public void BinaryFileIsRejectedWithoutEchoingIt()
    {
        var bytes = new byte[4096];
        new Random(3).NextBytes(bytes);
        var errors = Errors(WriteBytes(bytes));
        Assert.Single(errors);
        Assert.True(errors[0].Line >= 1 && errors[0].Column >= 1);
    }

    [Fact]
    public void NulCharacterIsReportedWhereItIs()
    {
        var e = Single(Errors(Write("name: ok\nstart: 20\u000020-01\n")), "NUL");
        Assert.Equal((2, 10), (e.Line, e.Column));
    }

    [Theory]
    [InlineData("name: \"a\\0b\"", "U+0000")]
    [InlineData("name: \"\\e[31mred\"", "U+001B")]
    [InlineData("name: \"\\x9b31m\"", "U+009B")]
    [InlineData("name: \"left\\u202Eright\"", "U+202E")]
    [InlineData("name: \u001b[31mred", "U+001B")]
    public void ControlCharactersInTextAreRejected(string yaml, string code)
    {
        var errors = Errors(TestPaths.Variant("small-world.yaml", yaml));
        var e = errors.FirstOrDefault(x => x.Message.Contains(code)) ?? throw new Xunit.Sdk.XunitException(string.Join("\n", errors));
        Assert.Equal(2, e.Line);
    }

    [Fact]
    public void ControlCharactersInAKeyAreEscapedInTheMessage()
    {
        var errors = Errors(TestPaths.Variant("small-world.yaml", "\"\\e]0;pwned\\a\": 1"));
        Assert.Contains(errors, e => e.ToString().Contains("\\u001B]0;pwned"));
    }

    [Fact]
    public void SetPathWithControlCharactersIsRejectedAndEscaped()
    {
        var errors = Errors(TestPaths.Fixture("small-world.yaml"), "materials.\u001b[2J=1");
        var e = Single(errors, "U+001B");
        Assert.Contains("\\u001B[2J", e.ToString());
    }

    // ---- limits ----

    [Fact]
    public void FileLargerThanTheLimitIsRefusedBeforeReading()
    {
        var path = Write("name: x\n# " + new string('x', MaxFileBytes) + "\n");
        var e = Single(Errors(path), "limit");
        Assert.Contains("1 MiB", e.Message);
    }

    [Fact]
    public void FileAtTheLimitIsRead()
    {
        var head = "name: x\n# ";
        var path = Write(head + new string('x', MaxFileBytes - head.Length - 1) + "\n");
        Assert.Equal(MaxFileBytes, new FileInfo(path).Length);
        Assert.DoesNotContain(Errors(path), e => e.Message.Contains("limit"));
    }

    [Fact]
    public void AliasBombStopsAtTheNodeLimit()
    {
        var sb = new StringBuilder("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for (int i = 1; i <= 10; i++)
            sb.Append($"a{i}: &a{i} [" + string.Join(", ", Enumerable.Repeat($"*a{i - 1}", 10)) + "]\n");
        var sw = Stopwatch.StartNew();
        var e = Single(Errors(Write(sb.ToString())), "100,000");
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(10));
        Assert.True(e.Line >= 2);
    }

    [Fact]
    public void NodeCountAtAndOverTheLimit()
    {
        // a flow list of n scalars under one key: n + 3 nodes (root, key, list, items)
        static string List(int n) => "k: [" + string.Join(",", Enumerable.Repeat("1", n)) + "]\n";
        var ok = new List<ScenarioError>();
        Assert.NotNull(YNode.Parse(List(MaxNodes - 3), "t.yaml", ok));
        Assert.Empty(ok);
        var over = new List<ScenarioError>();
        Assert.Null(YNode.Parse(List(MaxNodes - 2), "t.yaml", over));
        Assert.Contains("100,000", Assert.Single(over).Message);
    }

    [Fact]
    public void AliasesWithinTheLimitAreExpanded()
    {
        var errors = new List<ScenarioError>();
        var root = YNode.Parse("a: &x {k: 1}\nb: *x\n", "t.yaml", errors);
        Assert.Empty(errors);
        Assert.Equal("1", root!.Get("b")!.Get("k")!.Value);
        Assert.NotSame(root.Get("a"), root.Get("b")); // a copy: overriding b never changes a
    }

    [Fact]
    public void NestingDepthAtAndOverTheLimit()
    {
        static string Nested(int depth) => "k: " + new string('[', depth - 1) + new string(']', depth - 1) + "\n";
        var ok = new List<ScenarioError>();
        Assert.NotNull(YNode.Parse(Nested(MaxDepth), "t.yaml", ok));
        Assert.Empty(ok);
        var over = new List<ScenarioError>();
        Assert.Null(YNode.Parse(Nested(MaxDepth + 1), "t.yaml", over));
        var e = Assert.Single(over);
        Assert.Contains("nesting", e.Message);
        Assert.Equal((1, 4 + MaxDepth - 1), (e.Line, e.Column));
    }

    [Fact]
    public void AliasCannotNestDeeperThanTheLimit()
    {
        var deep = new string('[', MaxDepth - 2) + new string(']', MaxDepth - 2);
        var errors = new List<ScenarioError>();
        Assert.Null(YNode.Parse($"a: &x {deep}\nb: [*x]\nc: [[*x]]\n", "t.yaml", errors)); // b reaches the limit, c one level more
        var e = Assert.Single(errors);
        Assert.Contains("nesting", e.Message);
        Assert.Equal(3, e.Line);
    }

    [Fact]
    public void TextLongerThanTheLimitIsRejected()
    {
        var errors = Errors(TestPaths.Variant("small-world.yaml", $"description: {new string('d', MaxValue + 1)}\n{new string('k', MaxKey + 1)}: 1\n"));
        Assert.Contains(errors, e => e.Path == "description" && e.Message.Contains("10,000"));
        Assert.Contains(errors, e => e.Message.Contains("100 characters"));
        Assert.DoesNotContain(Errors(TestPaths.Variant("small-world.yaml", $"description: {new string('d', MaxValue)}\n{new string('k', MaxKey)}: 1\n")),
            e => e.Message.Contains("characters"));
    }

    [Fact]
    public void ExtendsChainLongerThanTheLimitIsRefused()
    {
        var dir = CliProcess.TempDir();
        File.Copy(TestPaths.Fixture("small-world.yaml"), Path.Combine(dir, "f0.yaml"));
        for (int i = 1; i <= MaxExtends; i++) File.WriteAllText(Path.Combine(dir, $"f{i}.yaml"), $"extends: f{i - 1}.yaml\n");
        Assert.NotNull(ScenarioCompiler.LoadAndCompile(Path.Combine(dir, $"f{MaxExtends - 1}.yaml")).Model); // 8 files
        Single(Errors(Path.Combine(dir, $"f{MaxExtends}.yaml")), "8 files");
    }

    // ---- extends ----

    [Theory]
    [InlineData("/dev/zero")]
    [InlineData("/dev/urandom")]
    [InlineData("/etc/passwd")]
    [InlineData("/etc")]
    public void ExtendsToANonYamlFileIsOneErrorWithoutItsContent(string target)
    {
        if (!File.Exists(target) && !Directory.Exists(target)) return;
        var e = Single(Errors(Write($"extends: {target}\nname: x\n")), ".yaml");
        Assert.Equal((1, 10), (e.Line, e.Column));
        Assert.DoesNotContain("root", e.Message);
    }

    [Fact]
    public void ExtendsToSpecialFilesNamedYamlIsRefusedWithoutReading()
    {
        if (!OperatingSystem.IsLinux()) return;
        var dir = CliProcess.TempDir();
        File.CreateSymbolicLink(Path.Combine(dir, "zero.yaml"), "/dev/zero");
        File.CreateSymbolicLink(Path.Combine(dir, "passwd.yaml"), "/etc/passwd");
        Directory.CreateDirectory(Path.Combine(dir, "folder.yaml"));
        using (var p = Process.Start("mkfifo", Path.Combine(dir, "fifo.yaml"))) p.WaitForExit();
        foreach (var (target, says) in new[] { ("zero.yaml", "regular file"), ("fifo.yaml", "regular file"), ("folder.yaml", "folder"), ("passwd.yaml", ".yaml") })
        {
            var e = Single(Errors(Write($"extends: {target}\nname: x\n", "child.yaml", dir)), says);
            Assert.Equal((1, 10), (e.Line, e.Column));
            Assert.DoesNotContain("root:", e.Message);
        }
    }

    [Fact]
    public void ExtendsFindsTheShippedWorldsFromAnyFolder()
    {
        var path = Write("extends: world/world-2024.yaml\nname: mine\nstart: 2024-01\nend: 2026-12\n");
        var compiled = ScenarioCompiler.LoadAndCompile(path);
        Assert.Equal("mine", compiled.Name);
    }

    [Fact]
    public void MissingExtendsTargetIsTheOnlyError()
    {
        var e = Single(Errors(TestPaths.Fixture("bad/missing-extends.yaml")), "not found");
        Assert.Equal("extends", e.Path);
        Assert.Equal(1, e.Line);
    }

    [Fact]
    public void ExtendsCycleNamesBothFiles()
    {
        var dir = CliProcess.TempDir();
        Write("extends: b.yaml\nname: a\n", "a.yaml", dir);
        Write("extends: a.yaml\nname: b\n", "b.yaml", dir);
        var e = Single(Errors(Path.Combine(dir, "a.yaml")), "cycle");
        Assert.Contains("a.yaml -> ", e.Message);
        Assert.Contains("b.yaml", e.Message);
        Assert.EndsWith("b.yaml", e.File);
        Assert.Equal((1, 10), (e.Line, e.Column));
    }

    [Fact]
    public void NoMessageEndsWithAnEmptyListOfChoices()
    {
        var path = Write("name: x\nstart: 2020-01\nend: 2021-01\nmaterials: {}\nprocesses: {}\ncountries: {}\n" +
                         "firms:\n  f: {country: CN, process: mine, capacity: 1, unit_cost: 1}\n");
        var errors = Errors(path);
        Assert.DoesNotContain(errors, e => e.Message.TrimEnd().EndsWith("one of:") || e.Message.Contains("one of: ;") || e.Message.Contains("one of:  ("));
        Assert.Contains(errors, e => e.Path == "firms.f.country" && e.Message.Contains("no country is defined"));
    }

    // ---- the command line: one line per problem, exit 2, no stack trace ----

    [Theory]
    [InlineData("deep")]
    [InlineData("unclosed")]
    [InlineData("devzero")]
    public void CommandLineReportsHostileInputAsErrorsWithExitCode2(string which)
    {
        var text = which switch
        {
            "deep" => "name: " + new string('[', 20_000) + new string(']', 20_000) + "\n",
            "unclosed" => "name: [unclosed\nuncertain: {}\n",
            _ => "extends: /dev/zero\n",
        };
        var path = Write(text);
        var (exit, _, err) = CliProcess.Run("validate", path);
        Assert.Equal(2, exit);
        Assert.DoesNotContain("   at ", err);
        Assert.Contains("hostile.yaml:1:", err);
    }
}
