// One colour per series for every chart of the figures pages, in a fixed order, distinguishable on white.
window.MatchmakerPalette = ["#154273", "#b0471b", "#39870c", "#8f1c6b", "#007bc7", "#ca005d", "#673327", "#5b3e96", "#275937", "#a90061", "#e17000", "#42145f", "#777c00", "#01689b", "#d52b1e", "#535353"];
