import Foundation
import Testing
@testable import PromptTuning

/// Expected values computed by hand from the PyTorch / HF formulas in float64 (numpy), for
/// p0 = {0.5, -1, 2, 0, 0.25, -0.75} as a (2, 3) matrix and three fixed gradients.
@Suite("Optimizers")
struct OptimizerTests {
    static let start: [Float] = [0.5, -1.0, 2.0, 0.0, 0.25, -0.75]
    static let gradients: [[Float]] = [
        [0.1, -0.2, 0.3, 0.0, -0.05, 0.4],
        [-0.3, 0.1, 0.2, 0.5, 0.05, -0.1],
        [0.2, 0.2, -0.4, -0.1, 0.3, 0.0],
    ]

    /// Runs three steps and compares each against the reference, printing the worst element.
    private func check(_ optimizer: some PromptOptimizer, _ expected: [[Double]], tolerance: Double = 2e-6) {
        var optimizer = optimizer
        var p = Self.start
        for (t, g) in Self.gradients.enumerated() {
            optimizer.step(parameters: &p, gradient: g, rows: 2, columns: 3)
            var worst = 0.0, index = -1
            for i in p.indices where abs(Double(p[i]) - expected[t][i]) > worst {
                worst = abs(Double(p[i]) - expected[t][i])
                index = i
            }
            #expect(worst <= tolerance, "step \(t + 1): max difference \(worst) at index \(index)")
        }
        #expect(optimizer.stepCount == 3)
    }

    @Test func adam() {
        check(Adam(learningRate: 0.1), [
            [0.400000009999999, -0.9000000049999998, 1.9000000033333333, 0.0, 0.349999980000004, -0.8499999975000001],
            [0.44941899112006545, -0.8733663027186758, 1.8029647943301033, -0.07441368025248775, 0.34473682315789855, -0.8969468130101709],
            [0.44754022176593455, -0.9006359802389327, 1.8002353910846607, -0.11828335399049972, 0.28162412298460787, -0.93323683718585],
        ])
    }

    @Test func adamWithL2() {
        check(Adam(learningRate: 0.1, weightDecay: 0.1), [
            [0.40000000666666624, -0.9000000033333332, 1.900000002, 0.0, 0.349999960000016, -0.849999996923077],
            [0.4309923650216413, -0.8355117308273299, 1.8013947411825142, -0.07441368025248775, 0.29750529165209877, -0.8713990264268949],
            [0.4093851749346044, -0.8121678951090838, 1.7503267737724766, -0.11722362114102775, 0.2252855870100786, -0.8729991406621475],
        ])
    }

    @Test func adamW() {
        check(AdamW(learningRate: 0.1, weightDecay: 0.1), [
            [0.395000009999999, -0.8900000049999998, 1.8800000033333333, 0.0, 0.347499980000004, -0.8424999975],
            [0.4404689910200654, -0.8544663026686757, 1.7641647942967698, -0.07441368025248775, 0.3387618233578985, -0.8810218130351708],
            [0.4341855317557339, -0.8731913171622459, 1.7437937431083594, -0.11753921718797485, 0.27226150495102885, -0.9085016190804982],
        ])
    }

    @Test func sgd() {
        check(SGD(learningRate: 0.1), [
            [0.49, -0.98, 1.97, 0.0, 0.255, -0.79],
            [0.52, -0.99, 1.95, -0.05, 0.25, -0.78],
            [0.5, -1.01, 1.99, -0.04, 0.22, -0.78],
        ])
    }

    @Test func sgdWithMomentumAndDecay() {
        check(SGD(learningRate: 0.1, momentum: 0.9, weightDecay: 0.01), [
            [0.4895, -0.979, 1.968, 0.0, 0.25475, -0.78925],
            [0.5095605, -0.969121, 1.917232, -0.05, 0.25377025, -0.81378575],
            [0.5071053895, -0.979260779, 1.909623568, -0.08495, 0.22263470474999997, -0.8350541392499999],
        ])
    }

    @Test func adafactorFixedRate() {
        check(Adafactor(learningRate: 0.3), [
            [0.06872386772883388, -0.581600694785442, 1.7412343206373002, 0.0, 0.3470886133792683, -1.0702452864059833],
            [0.3917820091807539, -0.8842019258700242, 1.4795226619794615, -0.42958228637048146, 0.226374619182793, -0.9658430024789172],
            [0.17825689750232276, -1.1860900036216904, 1.8946396941939088, -0.31930336212459554, -0.24137213241122624, -0.9658430024789172],
        ], tolerance: 1e-5)
    }

    @Test func adafactorRelativeStepScaledWithMomentum() {
        check(Adafactor(learningRate: nil, beta1: 0.9, weightDecay: 0.1), [
            [0.4980827023217727, -0.9976304113596643, 1.9971674229307332, 0.0, 0.25007285770874826, -0.7503141597536007],
            [0.4973742875923185, -0.9963992657424019, 1.9935639865395631, -0.0014148391016536531, 0.2497164130496084, -0.7501796308979957],
            [0.49598677973624045, -0.9961881399061497, 1.9914952424748926, -0.0023241482860289053, 0.24783345754508465, -0.7499856871261212],
        ], tolerance: 1e-6)
    }

    @Test(arguments: OptimizerKind.allCases)
    func stateSurvivesCodableRoundTrip(kind: OptimizerKind) throws {
        let settings = OptimizerSettings(kind: kind, learningRate: 0.05, weightDecay: 0.01, momentum: 0.5)
        var straight = Optimizer(settings), resumed = Optimizer(settings)
        var p1 = Self.start, p2 = Self.start
        for g in Self.gradients { straight.step(parameters: &p1, gradient: g, rows: 2, columns: 3) }
        for g in Self.gradients.prefix(2) { resumed.step(parameters: &p2, gradient: g, rows: 2, columns: 3) }
        let data = try JSONEncoder().encode(resumed)
        resumed = try JSONDecoder().decode(Optimizer.self, from: data)
        resumed.step(parameters: &p2, gradient: Self.gradients[2], rows: 2, columns: 3)
        #expect(p1 == p2, "resumed run differs: \(p1) vs \(p2)")
        #expect(resumed == straight && resumed.kind == kind && resumed.stepCount == 3)
    }
}
