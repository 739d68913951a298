// A reference solution to exercise 5.1.

use modelcheck::two_phase::{Rm, State, Tm, TwoPhase};

/// The TM has committed only if no manager is still working or has aborted on its own:
/// every manager voted (`Prepared`), and votes are not withdrawn.
pub fn votes_counted(system: &TwoPhase, state: &State) -> bool {
    state.tm() != Tm::Committed
        || (0..system.rms).all(|i| matches!(state.rm(i), Rm::Prepared | Rm::Committed))
}
