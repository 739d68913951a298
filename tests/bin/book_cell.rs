//! `book-cell`: runs one cell of the book in a process of its own, for the book-level
//! tests. The cell's command is in `BOOK_CELL`; its files go under `BOOK_CELL_DIR`. See
//! `xtask::cells::Isolation`.

fn main() -> anyhow::Result<()> {
    xtask::cells::child(&xtask::cells::all())
}
