//! BP4 fused with the update (`kernels::step_weights`) against the textbook sum for shapes
//! that exercise every part of the tiled native kernel: whole groups of columns and the
//! columns left over, several row blocks with a short last one, the last columns whose
//! spill would pass the end of w, δ with and without padding, and a non-finite weight
//! anywhere. And BP3 fused with the update (`kernels::add_columns`) against its sum in order,
//! and BP2's transpose of w^l.

mod bp3;
mod bp4;
mod transpose;

#[test]
fn the_transpose_of_w_for_bp2_is_the_transpose() {
    transpose::equals_the_transpose(&[1, 2, 3, 7, 8, 9, 16], &[1, 2, 3, 8, 10, 17]);
}

#[test]
fn bp3_with_the_update_equals_the_sum_in_column_order() {
    bp3::equals_the_sum_in_column_order(&[1, 2, 3, 7, 8, 9, 16, 17, 30], &[1, 2, 3, 10]);
}

#[test]
fn the_tiled_step_equals_the_textbook_sum_for_groups_and_leftover_columns() {
    bp4::equals_the_textbook_sum(
        &[1, 2, 3, 4, 5, 7, 8, 9, 12, 16, 17, 24, 30, 31, 33, 40],
        &[1, 2, 3, 10],
        &[6, 7, 11, 12, 13, 17, 18, 19, 25, 31],
    );
}

#[test]
fn the_tiled_step_reports_a_non_finite_weight_wherever_it_is() {
    bp4::reports_a_non_finite_weight_wherever_it_is(&[
        (30, 10, 19),
        (9, 3, 13),
        (1, 2, 14),
        (16, 1, 12),
        (16, 1, 7),
    ]);
}
