using System.Text.RegularExpressions;
using Matchmaker.Matching;
using Matchmaker.Tests.Infrastructure;

namespace Matchmaker.Tests.Matching;

/// <summary>The matching library stays pure: no I/O, no web, no database, no clock or randomness in its decisions.</summary>
[Trait(Lane.Name, Lane.Fast)]
public sealed class MatchingArchitectureTests
{
    [Fact]
    public void TheMatchingLibrary_ReferencesNoWebDataOrNetworkAssembly()
    {
        var references = typeof(Matcher).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();

        Assert.DoesNotContain(references, name =>
            name.StartsWith("Microsoft.", StringComparison.Ordinal) || name.StartsWith("System.Data", StringComparison.Ordinal)
            || name.StartsWith("System.Net", StringComparison.Ordinal) || name is "Dapper" or "Npgsql" or "System.Console");
    }

    [Fact]
    public void TheMatchingSource_UsesNoFilesConsoleClockOrRandomness()
    {
        var source = Path.Combine(WebNode.RepositoryRoot(), "src", "Matching");
        var forbidden = new Regex(@"\b(System\.IO|File\.|Directory\.|Console\.|DateTime\.(Now|UtcNow|Today)|DateTimeOffset\.(Now|UtcNow)|new Random\(|Random\.Shared|Guid\.NewGuid)");

        var offences = Directory.EnumerateFiles(source, "*.cs", SearchOption.AllDirectories)
            .Where(file => !file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}"))
            .SelectMany(file => File.ReadLines(file).Select((line, i) => (file, line, i)))
            .Where(x => forbidden.IsMatch(x.line))
            .Select(x => $"{Path.GetFileName(x.file)}:{x.i + 1}: {x.line.Trim()}")
            .ToList();

        Assert.Empty(offences);
    }
}
