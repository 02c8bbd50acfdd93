namespace Matchmaker.Silo.Demo;

/// <summary>A bovenregionaal expertisenetwerk (BEN) and the jeugdregio's it covers.</summary>
public sealed record DemoNetwork(string Code, string Name, string[] Regions);

/// <summary>
/// The eight bovenregionale expertisenetwerken, each covering neighbouring jeugdregio's. The grouping follows the
/// provinces and is the demo's approximation, not the networks' official composition.
/// </summary>
public static class DemoNetworks
{
    public static readonly IReadOnlyList<DemoNetwork> All =
    [
        new("ben-noord", "Expertisenetwerk Noord", ["groningen", "friesland", "drenthe"]),
        new("ben-oost", "Expertisenetwerk Oost", ["ijsselland", "twente", "noord-veluwe", "stedendriehoek", "achterhoek"]),
        new("ben-gelderland-zuid", "Expertisenetwerk Gelderland-Zuid", ["centraal-gelderland", "rijk-van-nijmegen", "foodvalley", "rivierenland"]),
        new("ben-midden-nederland", "Expertisenetwerk Midden-Nederland", ["flevoland", "gooi-en-vechtstreek", "utrecht-stad", "utrecht-west", "lekstroom", "zuidoost-utrecht", "amersfoort"]),
        new("ben-noord-holland", "Expertisenetwerk Noord-Holland", ["amsterdam-amstelland", "zaanstreek-waterland", "zuid-kennemerland", "ijmond", "haarlemmermeer", "noord-holland-noord", "west-friesland"]),
        new("ben-zuid-holland", "Expertisenetwerk Zuid-Holland", ["holland-rijnland", "haaglanden", "midden-holland", "rijnmond", "zuid-holland-zuid", "alblasserwaard"]),
        new("ben-brabant-zeeland", "Expertisenetwerk Brabant-Zeeland", ["zeeland", "west-brabant-west", "west-brabant-oost", "hart-van-brabant", "noordoost-brabant", "zuidoost-brabant", "helmond-de-peel"]),
        new("ben-limburg", "Expertisenetwerk Limburg", ["noord-limburg", "midden-limburg", "zuid-limburg"]),
    ];

    public static DemoNetwork Of(string regionCode) => All.First(network => network.Regions.Contains(regionCode));
}
