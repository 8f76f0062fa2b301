"""Account deletion (SPEC.md R-S5): a resumable job of named steps that removes the account from every system."""
