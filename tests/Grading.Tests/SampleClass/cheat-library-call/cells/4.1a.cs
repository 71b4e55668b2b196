// Not an attack, a shortcut: the library member that does the exercise's job in one call.
Tensor SplitHeads(Tensor X, int heads) => Heads.Split(X, heads);
