// Tests of the colour maps (ends, zero point, clamping, NaN), number labels and nice axis
// scales. Pictures that use them are tested in CompositionTests.swift.
import Testing

@testable import Render

@Suite struct ColorMapTests {
    @Test func divergingEndsAndZero() {
        let map = ColorMap.diverging(limit: 2)
        #expect(map.color(for: -2) == ColorMap.negativeEnd)
        #expect(map.color(for: 2) == ColorMap.positiveEnd)
        #expect(map.color(for: 0) == .white)
        // Halfway to the end is halfway between white and the end, channel by channel.
        #expect(map.color(for: 1) == RGB.white.mixed(with: ColorMap.positiveEnd, 0.5))
        #expect(map.color(for: 1).red == 221)  // (255 + 186) / 2, rounded
    }

    @Test func divergingIsSymmetricAndClamps() {
        let map = ColorMap.diverging(fitting: [0.5, -3, 1])
        #expect(map.min == -3 && map.max == 3)
        #expect(map.color(for: 3) == ColorMap.positiveEnd)
        #expect(map.color(for: 100) == ColorMap.positiveEnd)
        #expect(map.color(for: -100) == ColorMap.negativeEnd)
        #expect(map.color(for: .nan) == ColorMap.nanColor)
    }

    @Test func divergingWithZeroLimitIsWhite() {
        let map = ColorMap.diverging(fitting: [0, 0])
        #expect(map.color(for: 0) == .white)
        #expect(map.color(for: 1) == .white)
    }

    @Test func sequentialAndGreyEnds() {
        let sequential = ColorMap.sequential(min: 0, max: 10)
        #expect(sequential.color(for: 0) == .white)
        #expect(sequential.color(for: 10) == ColorMap.sequentialStops.last!)
        #expect(sequential.color(for: 5) == ColorMap.sequentialStops[2])
        #expect(sequential.color(for: 2.5).brightness > sequential.color(for: 7.5).brightness)
        let grey = ColorMap.grey()
        #expect(grey.color(for: 0) == .black)
        #expect(grey.color(for: 1) == .white)
        #expect(grey.color(for: 0.5) == RGB(grey: 128))
    }

    @Test func numberLabels() {
        #expect(formatNumber(0) == "0")
        #expect(formatNumber(0.93) == "0.93")
        #expect(formatNumber(-2) == "-2")
        #expect(formatNumber(0.1447) == "0.145")
        #expect(formatNumber(1130) == "1130")
        #expect(formatNumber(-0.0001) == "-1.00e-04")
        #expect(formatNumber(-0.0) == "0")
    }
}

@Suite struct NiceScaleTests {
    @Test func probabilitiesGetZeroToOne() {
        let scale = NiceScale(min: 0, max: 0.93)
        #expect(scale.lower == 0)
        #expect(abs(scale.upper - 1) < 1e-12)
        #expect(abs(scale.step - 0.2) < 1e-12)
        #expect(scale.ticks.map { scale.label($0) } == ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"])
    }

    @Test func negativeRangesStepByTwoOrFive() {
        // A span of 9.5 over 5 ticks is 1.9 a tick: round up to 2.
        let two = NiceScale(min: -3, max: 6.5)
        #expect(two.step == 2)
        #expect(two.lower == -4 && two.upper == 8)
        #expect(two.ticks.first.map { two.label($0) } == "-4")
        // A span of 11.1 is 2.22 a tick: round up to 5.
        let five = NiceScale(min: -3.2, max: 7.9)
        #expect(five.step == 5)
        #expect(five.ticks == [-5, 0, 5, 10])
    }

    @Test func singleValueAndZeroGetARangeAroundThem() {
        let five = NiceScale(min: 5, max: 5)
        #expect(five.lower < 5 && five.upper > 5)
        let zero = NiceScale(min: 0, max: 0)
        #expect(zero.lower == -1 && zero.upper == 1)
        let broken = NiceScale(min: .nan, max: 1)
        #expect(broken.lower == 0 && broken.upper == 1)
    }

    @Test func labelsHaveNoNegativeZero() {
        let scale = NiceScale(min: -1, max: 1)
        #expect(
            scale.ticks.map { scale.label($0) }.contains("0.0")
                || scale.ticks.map {
                    scale.label($0)
                }.contains("0"))
        #expect(!scale.ticks.map { scale.label($0) }.contains("-0"))
    }
}
