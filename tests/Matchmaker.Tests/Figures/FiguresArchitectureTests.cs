using System.Text.RegularExpressions;
using Matchmaker.Tests.Infrastructure;

namespace Matchmaker.Tests.Figures;

/// <summary>The figures area lives in the engine: its pages only bind, call one engine operation and speak Dutch.</summary>
[Trait(Lane.Name, Lane.Fast)]
public sealed class FiguresArchitectureTests
{
    [Fact]
    public void TheMunicipalityAndNationalPages_HoldNoSqlAndNoDatabase()
    {
        var forbidden = new Regex(@"\b(SELECT|INSERT|UPDATE|DELETE)\s|\bDapper\b|\bDatabase\b|OpenAsync\(|QueryAsync|ExecuteAsync\(");

        var offences = Offences(forbidden, "src/Web/Pages/Municipality", "src/Web/Pages/National");

        Assert.Empty(offences);
    }

    [Fact]
    public void TheEnginesFiguresArea_UsesNoAspNetCore()
    {
        var offences = Offences(new Regex(@"Microsoft\.AspNetCore|HttpContext|IResult\b|PageModel"), "src/Silo/Figures");

        Assert.Empty(offences);
    }

    private static List<string> Offences(Regex forbidden, params string[] folders) =>
        folders.Select(folder => Path.Combine(WebNode.RepositoryRoot(), folder))
            .SelectMany(folder => Directory.EnumerateFiles(folder, "*.cs*", SearchOption.AllDirectories))
            .SelectMany(file => File.ReadLines(file).Select((line, i) => (file, line, i)))
            .Where(x => forbidden.IsMatch(x.line))
            .Select(x => $"{Path.GetFileName(x.file)}:{x.i + 1}: {x.line.Trim()}")
            .ToList();
}
