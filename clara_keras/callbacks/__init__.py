"""clara_keras.callbacks"""
