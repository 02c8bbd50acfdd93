using System.Text;
using Matchmaker.Silo.Figures;
using Matchmaker.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Matchmaker.Web.Pages.Municipality;

/// <summary>One stored what-if run of the municipality's own region, as published when it ran; CSV and JSON alike (docs/open-data.md).</summary>
public sealed class WhatIfResultModel(WhatIfRuns runs) : PageModel
{
    public static readonly string[] Norms = ["5 werkdagen (contact)", "6 weken (plan)", "3 maanden (passende hulp)"];

    public WhatIfRuns.Run Run { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(Guid id)
    {
        if (await FindAsync(id) is not { } run) return NotFound();
        Run = run;
        return Page();
    }

    public async Task<IActionResult> OnGetCsvAsync(Guid id)
    {
        if (await FindAsync(id) is not { } run) return NotFound();
        var csv = new StringBuilder();
        if (run.Sweep is { } sweep)
        {
            csv.AppendLine("zorgvorm;extra plekken;extra geplaatste kinderen");
            foreach (var line in sweep)
                for (var k = 0; k < line.ExtraPlaced.Count; k++)
                    csv.AppendLine($"{Dutch.CareType(line.CareType)};{k + 1};{line.ExtraPlaced[k]}");
        }
        else if (run.Change is { } change)
        {
            csv.AppendLine("kenmerk;waarde");
            csv.AppendLine($"extra geplaatste kinderen;{change.ExtraPlaced}");
            if (change.ExtraPlacedByPriority is { } byPriority)
                for (var p = 0; p < byPriority.Count; p++)
                    csv.AppendLine($"extra geplaatst, prioriteit {Dutch.Priority(p + 1)};{byPriority[p]}");
            for (var n = 0; n < Norms.Length; n++)
                csv.AppendLine($"minder kinderen zonder plek over de norm {Norms[n]};{change.FewerPastNorm[n]}");
            csv.AppendLine($"beëindigde wachtdagen;{(change.WaitingDaysEnded?.ToString() ?? "x")}");
            csv.AppendLine($"gemiddelde afstand zonder inkoop (km);{Distance(change.AverageDistanceBeforeKm)}");
            csv.AppendLine($"gemiddelde afstand met inkoop (km);{Distance(change.AverageDistanceAfterKm)}");
        }
        return File(Encoding.UTF8.GetBytes(csv.ToString()), "text/csv; charset=utf-8", $"wat-als-{run.RegionCode}-{run.CreatedAt:yyyy-MM-dd}-{run.Id.ToString()[..8]}.csv");
    }

    public async Task<IActionResult> OnGetJsonAsync(Guid id)
    {
        if (await FindAsync(id) is not { } run) return NotFound();
        static int? Shown(SignedCount count) => count.Plotted;
        return new JsonResult(new
        {
            id = run.Id, region = run.RegionCode, kind = run.Kind, createdAt = run.CreatedAt, policyVersion = run.PolicyVersion,
            solveMillis = run.SolveMillis, description = run.Description,
            change = run.Change is not { } change ? null : new
            {
                extraPlaced = Shown(change.ExtraPlaced),
                extraPlacedByPriority = change.ExtraPlacedByPriority?.Select(Shown).ToList(),
                fewerWithoutPlacePastNorm = new { fiveWorkingDays = Shown(change.FewerPastNorm[0]), sixWeeks = Shown(change.FewerPastNorm[1]), threeMonths = Shown(change.FewerPastNorm[2]) },
                waitingDaysEnded = change.WaitingDaysEnded,
                averageDistanceBeforeKm = change.AverageDistanceBeforeKm,
                averageDistanceAfterKm = change.AverageDistanceAfterKm,
            },
            sweep = run.Sweep?.Select(line => new
            {
                careType = line.CareType, careTypeName = Dutch.CareType(line.CareType),
                extraPlacedByExtraPlaces = line.ExtraPlaced.Select(Shown).ToList(),
            }).ToList(),
        });
    }

    public static string Distance(double? km) => km?.ToString("0.0", Dutch.Culture) ?? "–";

    private Task<WhatIfRuns.Run?> FindAsync(Guid id) => runs.FindAsync(Caller.Of(HttpContext).RegionCode!, id);
}
