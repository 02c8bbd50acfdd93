using Matchmaker.Silo.Figures;
using Matchmaker.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Matchmaker.Web.Pages.Municipality;

/// <summary>
/// What-if for purchasing (role municipality, its own region): buy places, contract a place, or sweep every care type
/// for where one more place helps most. Every run is stored; the result has its own page (Post/Redirect/Get).
/// </summary>
public sealed class WhatIfModel(WhatIfRuns runs) : PageModel
{
    public sealed class PurchaseForm
    {
        public string? CareType { get; set; }
        public string? Units { get; set; } = "1";
        public string? AgeBand { get; set; } = "all";
        public Guid? Municipality { get; set; }
        public List<string> Specialisms { get; set; } = [];
    }

    [BindProperty]
    public PurchaseForm Purchase { get; set; } = new();

    public Guid? ChosenOffering { get; private set; }

    /// <summary>Field id → Dutch message, in the order of the form.</summary>
    public Dictionary<string, string> Problems { get; } = [];

    public IReadOnlyList<WhatIfRuns.Municipality> Municipalities { get; private set; } = [];
    public IReadOnlyList<WhatIfRuns.ContractOption> ContractOptions { get; private set; } = [];
    public IReadOnlyList<WhatIfRuns.Run> Latest { get; private set; } = [];

    private string RegionCode => Caller.Of(HttpContext).RegionCode!;

    public async Task OnGetAsync() => await LoadAsync();

    public async Task<IActionResult> OnPostPurchaseAsync()
    {
        var units = int.TryParse(Purchase.Units?.Trim(), out var parsed) ? parsed : 0;
        return await AnsweredAsync(await runs.PurchaseAsync(RegionCode, Caller.Of(HttpContext).Id,
            new WhatIfRuns.PurchaseInput(Purchase.CareType ?? "", units, Purchase.AgeBand ?? "", Purchase.Municipality, [.. Purchase.Specialisms.Distinct()])));
    }

    public async Task<IActionResult> OnPostContractAsync(Guid? offering)
    {
        ChosenOffering = offering;
        return await AnsweredAsync(await runs.ContractAsync(RegionCode, Caller.Of(HttpContext).Id, offering));
    }

    public async Task<IActionResult> OnPostSweepAsync() => await AnsweredAsync(await runs.SweepAsync(RegionCode, Caller.Of(HttpContext).Id));

    private async Task<IActionResult> AnsweredAsync(WhatIfAnswer answer)
    {
        if (answer.Status == WhatIfStatus.Stored) return Redirect($"/gemeente/wat-als/{answer.RunId}");
        foreach (var problem in answer.Problems) Problems[problem.Field] = Sentence(problem.Rule);
        await LoadAsync();
        return Page();
    }

    public static string Sentence(WhatIfRule rule) => rule switch
    {
        WhatIfRule.CareTypeUnknown => "Kies de zorgvorm die u wilt inkopen.",
        WhatIfRule.UnitsOutOfRange => $"Vul een aantal plekken in van 1 tot en met {Matching.Purchasing.WhatIf.MaxUnits}.",
        WhatIfRule.AgeBandUnknown => "Kies een leeftijdsgroep uit de lijst.",
        WhatIfRule.MunicipalityNotInRegion => "Kies een gemeente van uw regio, of het midden van de regio.",
        WhatIfRule.SpecialismUnknown => "Kies alleen specialismen uit de lijst.",
        _ => "Kies een aanbod uit de lijst.",
    };

    private async Task LoadAsync()
    {
        Municipalities = await runs.MunicipalitiesAsync(RegionCode);
        ContractOptions = await runs.ContractOptionsAsync(RegionCode);
        Latest = await runs.LatestAsync(RegionCode);
    }
}
