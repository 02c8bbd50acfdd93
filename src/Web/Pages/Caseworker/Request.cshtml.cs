using Matchmaker.Silo.Regions;
using Matchmaker.Silo.Grains;
using Matchmaker.Silo.Market;
using Matchmaker.Web.Infrastructure;
using Matchmaker.Web.Pages.Requests;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Matchmaker.Web.Pages.Caseworker;

/// <summary>A caseworker files a request for a child of their caseload; it goes to the desk of the region the child lives in.</summary>
public sealed class RequestModel(Municipalities municipalities, IGrainFactory grains) : PageModel, IRequestFormPage
{
    [BindProperty] public RequestForm Form { get; set; } = new();
    public Guid? Id => null;
    public string? Status => null;
    public string? Conflict { get; private set; }
    public IReadOnlyDictionary<string, string[]> Errors { get; private set; } = new Dictionary<string, string[]>();
    public IReadOnlyList<MunicipalityOption> Municipalities { get; private set; } = [];
    public bool ChoosesRegion => true;
    public string CancelHref => "/jeugdbeschermer";

    public async Task OnGetAsync()
    {
        Municipalities = await municipalities.ListAsync(null);
        // The caseworker's own region first: most of a caseload lives there.
        var own = Municipalities.FirstOrDefault(m => m.RegionCode == Caller.Of(HttpContext).RegionCode);
        if (own is not null) Municipalities = [.. Municipalities.OrderBy(m => m.RegionCode != own.RegionCode)];
    }

    public async Task<IActionResult> OnPostAsync()
    {
        Municipalities = await municipalities.ListAsync(null);
        var caller = Caller.Of(HttpContext);
        var home = Municipalities.FirstOrDefault(m => m.Id == Form.Municipality);
        if (Form.Unreadable(editing: false) is { Count: > 0 } unreadable)
        {
            Errors = unreadable;
            return Page();
        }
        // Without a home municipality the input fails validation (no home coordinates), so nothing is written anywhere.
        try
        {
            var input = Form.ToInput(home);
            var id = Guid.NewGuid();
            await grains.Request(home?.RegionCode ?? caller.RegionCode ?? "", id).Register(caller.ToActor(), input);
            TempData["Message"] = $"Hulpvraag {input.CaseReference} is ingediend bij de zorgbemiddelingstafel van {home!.RegionName}.";
            return Redirect($"/jeugdbeschermer/kind/{id}");
        }
        catch (MarketRuleException refusal)
        {
            Errors = RequestForm.ErrorsOf(refusal, home);
        }
        return Page();
    }
}
