using Matchmaker.Matching;
using Matchmaker.Web.Infrastructure;
using Matchmaker.Web.Pages.Requests;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Matchmaker.Web.Pages.Municipality;

/// <summary>
/// What-if for purchasing (role municipality, its own region): buy places, contract a place, or sweep every care type
/// for where one more place helps most. Every run is stored; the result has its own page (Post/Redirect/Get).
/// </summary>
public sealed class WhatIfModel(WhatIfRuns runs, Silo.Data.Database database) : PageModel
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

    public IReadOnlyList<Silo.Regions.MunicipalityOption> Municipalities { get; private set; } = [];
    public IReadOnlyList<WhatIfRuns.ContractOption> ContractOptions { get; private set; } = [];
    public IReadOnlyList<WhatIfRuns.Run> Latest { get; private set; } = [];

    private string RegionCode => Caller.Of(HttpContext).RegionCode!;

    public async Task OnGetAsync() => await LoadAsync();

    public async Task<IActionResult> OnPostPurchaseAsync()
    {
        Municipalities = await new Silo.Regions.Municipalities(database).ListAsync(RegionCode);
        var units = 0;
        if (Purchase.CareType is null || !CareTypes.All.Contains(Purchase.CareType))
            Problems["careType"] = "Kies de zorgvorm die u wilt inkopen.";
        if (!int.TryParse(Purchase.Units?.Trim(), out units) || units is < 1 or > Matching.Purchasing.WhatIf.MaxUnits)
            Problems["units"] = $"Vul een aantal plekken in van 1 tot en met {Matching.Purchasing.WhatIf.MaxUnits}.";
        if (!WhatIfRuns.AgeBands.Any(b => b.Code == Purchase.AgeBand))
            Problems["ageBand"] = "Kies een leeftijdsgroep uit de lijst.";
        if (Purchase.Municipality is { } municipality && Municipalities.All(m => m.Id != municipality))
            Problems["municipality"] = "Kies een gemeente van uw regio, of het midden van de regio.";
        if (Purchase.Specialisms.Any(s => !Matching.Specialisms.All.Contains(s)))
            Problems["specialisms"] = "Kies alleen specialismen uit de lijst.";
        if (Problems.Count > 0)
        {
            await LoadAsync();
            return Page();
        }
        var id = await runs.PurchaseAsync(RegionCode, Caller.Of(HttpContext).Id,
            new WhatIfRuns.PurchaseInput(Purchase.CareType!, units, Purchase.AgeBand!, Purchase.Municipality, [.. Purchase.Specialisms.Distinct()]));
        return Redirect($"/gemeente/wat-als/{id}");
    }

    public async Task<IActionResult> OnPostContractAsync(Guid? offering)
    {
        await LoadAsync();
        ChosenOffering = offering;
        if (ContractOptions.FirstOrDefault(o => o.Id == offering) is not { } chosen)
        {
            Problems["offering"] = "Kies een aanbod uit de lijst.";
            return Page();
        }
        var id = await runs.ContractAsync(RegionCode, Caller.Of(HttpContext).Id, chosen);
        return Redirect($"/gemeente/wat-als/{id}");
    }

    public async Task<IActionResult> OnPostSweepAsync()
    {
        var id = await runs.SweepAsync(RegionCode, Caller.Of(HttpContext).Id);
        return Redirect($"/gemeente/wat-als/{id}");
    }

    private async Task LoadAsync()
    {
        Municipalities = await new Silo.Regions.Municipalities(database).ListAsync(RegionCode);
        ContractOptions = await runs.ContractOptionsAsync(RegionCode);
        Latest = await runs.LatestAsync(RegionCode);
    }
}
