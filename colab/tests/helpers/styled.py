"""A tiny styled training text (source<TAB>style<TAB>text) and a tiny model trained on it, for tests: each style
repeats its own few sentences, so a few steps teach the model that the style says which ones come."""
import os
import random

POOLS = {
    ("brown", "mystery"): [
        "The detective examined the locked door.",
        "A pistol lay beside the body.",
        "Nobody had heard the shot.",
        "The inspector lit his pipe and waited.",
        "Footprints led to the garden gate.",
    ],
    ("brown", "humor"): [
        "The dog ate the mayor's hat again.",
        "Uncle Fred slipped on a banana peel.",
        "Everyone laughed until the cake fell over.",
        "The parrot told a rude joke.",
        "Ha, said the clown, ha ha ha!",
    ],
    ("austen", "austen"): [
        "Miss Bennet was not disposed to marry without affection.",
        "It is a truth universally acknowledged.",
        "Her ladyship received them with great civility.",
        "Mr. Darcy bowed and said nothing.",
        "The ball at Netherfield was much admired.",
    ],
    ("mobydick", "melville"): [
        "Call me Ishmael, said the sailor.",
        "The whale rose white from the grey sea.",
        "Ahab stood upon the quarter-deck.",
        "The harpoon flew and the line ran out.",
        "Queequeg sharpened his harpoon in silence.",
    ],
}
STYLES = ["any", "mystery", "humor", "austen", "melville"]  # as the trainer infers them: first appearance


def tsv_rows(paragraphs=40, seed=3):
    """[(source, style, text)]: `paragraphs` of each style, in the order of POOLS."""
    rng = random.Random(seed)
    rows = []
    for (source, style), pool in POOLS.items():
        for _ in range(paragraphs):
            rows.append((source, style, " ".join(rng.choice(pool) for _ in range(rng.randint(3, 6)))))
    return rows


def write_tsv(path, paragraphs=40, seed=3, rows=None):
    """Writes a tiny styled corpus -> its path."""
    with open(path, "w", encoding="utf-8") as f:
        for row in rows if rows is not None else tsv_rows(paragraphs, seed):
            f.write("\t".join(row) + "\n")
    return str(path)


def train_args(out_dir, name, text, steps, extra=()):
    return [
        "--corpus",
        str(text),
        "--name",
        name,
        "--out-dir",
        str(out_dir),
        "--checkpoint",
        os.path.join(str(out_dir), f"{name}.pt"),
        "--hidden-size",
        "48",
        "--embedding-dim",
        "16",
        "--style-dim",
        "8",
        "--batch-size",
        "8",
        "--seq-len",
        "32",
        "--max-steps",
        str(steps),
        "--eval-every",
        "50",
        "--warmup-steps",
        "5",
        "--lr",
        "1e-2",
        "--dropout",
        "0",
        "--device",
        "cpu",
        "--threads",
        "1",
        "--quiet",
        *extra,
    ]


def train_tiny_styled(out_dir, name="tiny-styled", steps=150, extra=(), paragraphs=40):
    """Trains a tiny model with styles on a tiny styled corpus -> its json path."""
    from colab.train import main as train_main

    text = write_tsv(os.path.join(str(out_dir), f"{name}.tsv"), paragraphs)
    assert train_main.main(train_args(out_dir, name, text, steps, extra)) == 0
    return os.path.join(str(out_dir), f"{name}.json")
